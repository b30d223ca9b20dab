use serde_json::json;

use super::{show_id, with_products, MAX_SLUG};

#[test]
fn a_title_and_a_date_make_a_show_id() {
    let at = "2027-03-14T10:00";
    assert_eq!(
        show_id("Sunday Brunch Drop!", at),
        "sunday-brunch-drop-20270314-1000"
    );
    assert_eq!(show_id("  Kopi & Kue ", at), "kopi-kue-20270314-1000");
    assert_eq!(show_id("Siaran ☕", at), "siaran-20270314-1000");
    assert_eq!(show_id("☕☕", at), "show-20270314-1000");
    assert!(show_id(&"a".repeat(100), at).len() <= MAX_SLUG + 14);
}

#[test]
fn picked_products_replace_the_copied_shows() {
    let file = json!({ "id": "demo", "products": [{ "id": "shirt" }], "gifting": {} });
    let picked = vec![json!({ "from_catalogue": "kain-tenun", "price": 100 })];
    assert_eq!(
        with_products(file.clone(), picked.clone()),
        json!({ "id": "demo", "products": picked, "gifting": {} })
    );
    assert_eq!(
        with_products(file.clone(), Vec::new()),
        file,
        "none picked: the copied show's"
    );
}
