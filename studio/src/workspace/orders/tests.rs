use lapak_protocol::api::orders::ShowOrder;
use lapak_protocol::api::refusal::Refusal;
use lapak_protocol::{Bank, Money, OrderStatus, PayMethod, Totals};

use super::{acts, refund_amount, refused_words, Act};
use crate::text::{EN, ID};

fn rupiah(minor: i64) -> Money {
    Money {
        minor,
        currency: "IDR".into(),
    }
}

fn order(status: OrderStatus, provider: Option<&str>, refunded: i64) -> ShowOrder {
    ShowOrder {
        number: "LPK-000042".into(),
        status,
        method: PayMethod::Qris,
        provider: provider.map(str::to_owned),
        placed_at_ms: 0,
        totals: Totals {
            subtotal: rupiah(10_000),
            discount: rupiah(0),
            coupon: None,
            shipping: rupiah(0),
            total: rupiah(10_000),
        },
        units: 1,
        refunded: rupiah(refunded),
        flagged: None,
    }
}

#[test]
fn each_order_offers_what_may_be_done_to_it_now() {
    assert_eq!(
        acts(&order(OrderStatus::Paid, Some("test"), 0)),
        [Act::Refund]
    );
    assert_eq!(
        acts(&order(OrderStatus::Paid, Some("test"), 4_000)),
        [Act::Refund],
        "partly refunded: the rest"
    );
    assert_eq!(
        acts(&order(OrderStatus::Paid, None, 0)),
        [],
        "cash on delivery, delivered: no provider holds the money"
    );
    assert_eq!(
        acts(&order(OrderStatus::AwaitingPayment, Some("test"), 0)),
        [Act::Cancel]
    );
    assert_eq!(
        acts(&order(OrderStatus::PayOnDelivery, None, 0)),
        [Act::Delivered, Act::Returned, Act::Cancel]
    );
    for done in [
        OrderStatus::Refunded,
        OrderStatus::Cancelled,
        OrderStatus::Expired,
        OrderStatus::Returned,
        OrderStatus::Failed,
    ] {
        assert_eq!(acts(&order(done, Some("test"), 0)), [], "{done:?}");
    }
}

#[test]
fn an_empty_refund_is_all_that_is_left_and_an_amount_is_in_the_currency() {
    assert_eq!(refund_amount(" ", "IDR"), Some(None));
    assert_eq!(refund_amount("25000", "IDR"), Some(Some(rupiah(2_500_000))));
    assert_eq!(refund_amount("12.5", "IDR"), Some(Some(rupiah(1_250))));
    assert_eq!(refund_amount("lots", "IDR"), None);
    assert_eq!(refund_amount("1.005", "IDR"), None, "finer than a sen");
}

#[test]
fn statuses_methods_and_refusals_are_said_in_the_hosts_language() {
    assert_eq!(
        (EN.order_status)(OrderStatus::AwaitingPayment),
        "Awaiting payment"
    );
    assert_eq!(
        (ID.order_status)(OrderStatus::Refunded),
        "Dana dikembalikan"
    );
    let va = PayMethod::VirtualAccount { bank: Bank::Bca };
    assert_eq!((EN.pay_method)(&va), "BCA virtual account");
    assert_eq!((ID.pay_method)(&va), "Virtual account BCA");
    let refusal = |code: &str| Refusal {
        code: code.into(),
        message: "in English, from the server".into(),
    };
    assert_eq!(
        refused_words(&ID, &refusal("paid_meanwhile")),
        ID.paid_meanwhile
    );
    assert_eq!(refused_words(&EN, &refusal("moved")), EN.wrong_status);
    assert_eq!(refused_words(&EN, &refusal("invalid")), EN.refund_too_much);
    assert_eq!(
        refused_words(&EN, &refusal("forbidden")),
        EN.not_allowed,
        "the rest as every refusal"
    );
    assert_eq!(
        Act::Refund.question(&EN, "LPK-000042", "Rp 100"),
        "Refund LPK-000042? Leave the amount empty to refund all that is left: Rp 100."
    );
}
