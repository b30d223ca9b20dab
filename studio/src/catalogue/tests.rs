use super::*;

fn show(currency: Option<&str>) -> ShowSummary {
    let products = currency.map(|c| {
        serde_json::json!([{
            "id": "p", "name": "P", "image_url": "/p.svg",
            "price": { "minor": 100, "currency": c }, "variants": []
        }])
    });
    serde_json::from_value(serde_json::json!({
        "id": "s", "title": "S", "brand": "b", "video": "ingest", "on_air": "waiting", "status": "upcoming",
        "starts_at_ms": 0, "host": "H", "viewers": 0, "pins": [], "pinned_message": null,
        "playback_url": "/s.m3u8", "products": products.unwrap_or_else(|| serde_json::json!([]))
    }))
    .unwrap()
}

fn product(currency: &str) -> CatalogueProduct {
    serde_json::from_value(serde_json::json!({
        "id": "p", "name": "P", "image_url": "/p.svg", "price": 100, "currency": currency,
        "max_per_order": 1, "variants": []
    }))
    .unwrap()
}

#[test]
fn a_new_product_is_priced_as_the_brands_shows_are() {
    let shows = [show(None), show(Some("SGD"))];
    assert_eq!(brand_currency(&shows, &[product("USD")]), "SGD");
    assert_eq!(brand_currency(&[show(None)], &[product("USD")]), "USD");
    assert_eq!(brand_currency(&[], &[]), "IDR");
}
