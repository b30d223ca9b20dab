//! The price a shopper sees is the price charged: for generated carts under a
//! flash deal with a per-buyer limit, after units bought earlier by the shopper
//! and by others, the viewer's own cart (its store, fed the server's frames)
//! shows the same total as the server's quote, and checkout charges it.
mod common;

use common::*;
use lapak::store::{apply, Msg, State};
use lapak_protocol::{ServerMsg, Welcome};
use lapak_server::payment::APPROVE;
use proptest::prelude::*;

const VARIANTS: [(&str, &str); 3] = [("tote", "indigo"), ("tote", "soga"), ("kopi", "default")];

/// The viewer's state after the server's `Welcome`, as the widget folds it.
fn viewer_state(welcome: Welcome) -> State {
    let mut state = State::default();
    apply(
        &mut state,
        Msg::Server(ServerMsg::Welcome(Box::new(welcome))),
    );
    state
}

/// Buys `units` totes (indigo) at whatever the quote says, as shopper `socket`.
async fn buy_totes(socket: &mut Socket, units: u32, tag: &str) {
    if units == 0 {
        return;
    }
    command(socket, &add(&format!("{tag}-add"), "tote", "indigo", units)).await;
    let quote = quote(socket, &format!("{tag}-q")).await;
    let paid = checkout(
        socket,
        &format!("{tag}-pay"),
        &request_from(&quote, "std", APPROVE),
    )
    .await;
    placed(&paid);
}

#[test]
fn the_cart_the_viewer_shows_totals_what_the_quote_and_checkout_charge() {
    let lines = prop::collection::vec((0..VARIANTS.len(), 1u32..=4), 1..=5);
    let cases = (0u32..=5, 0u32..=3, lines);
    run_property(40, cases, |(others, earlier, lines)| async move {
        let server = server_for("pricing-show.toml").await;
        let (mut other, _) = viewer(&server, None).await;
        buy_totes(&mut other, others, "o").await;
        let (mut shopper, welcome) = viewer(&server, None).await;
        buy_totes(&mut shopper, earlier, "e").await;
        for (i, (variant, quantity)) in lines.iter().enumerate() {
            let (product, variant) = VARIANTS[*variant];
            // A line over the per-order maximum is refused; the cart stays as it was.
            command(
                &mut shopper,
                &add(&format!("a{i}"), product, variant, *quantity),
            )
            .await;
        }
        // The widget as it would be after a reload: everything from the server's frames.
        let (_again, welcome) = viewer(&server, Some(&welcome.session.token)).await;
        let state = viewer_state(welcome);
        let shown = state.cart_view();
        let quote = quote(&mut shopper, "q").await;

        let quoted: Vec<i64> = quote
            .lines
            .iter()
            .map(|l| l.amount().unwrap().minor)
            .collect();
        let seen: Vec<i64> = shown
            .lines
            .iter()
            .map(|l| l.amount().unwrap().minor)
            .collect();
        check(seen == quoted, || {
            format!("cart lines {seen:?}, quote lines {quoted:?}")
        })?;
        let charged = request_from(&quote, "std", APPROVE);
        let totals = quote.totals("std").unwrap();
        let subtotal = shown.subtotal().map_or(0, |m| m.minor);
        check(
            subtotal == totals.total.minor - totals.shipping.minor,
            || format!("the cart shows {subtotal}, the quote charges {totals:?}"),
        )?;
        if !quote.lines.is_empty() {
            let paid = checkout(&mut shopper, "pay", &charged).await;
            let order = placed(&paid);
            check(order.totals == totals, || {
                format!("{:?} != {totals:?}", order.totals)
            })?;
        }
        server.running.stop().await;
        Ok(())
    });
}
