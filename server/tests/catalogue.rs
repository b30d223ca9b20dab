//! A brand's catalogue over real HTTP and WebSocket: seeded from the show
//! files, imported from CSV (all or nothing, every bad line named) and JSON,
//! exported as the import reads it, edited one product at a time by owners
//! only, and taken into a new show with the show's own stock and price while
//! the catalogue stays as it was.
mod common;

use common::api::{signed_in, Api, Caller};
use common::{send, wait_for, TestServer};
use lapak_protocol::{ClientMsg, ServerMsg, Welcome, PROTOCOL_VERSION};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const CSV: &str = "product_id,name,name_id,image_url,price,currency,max_per_order,variant_id,variant_label,variant_label_id,stock
kain-tenun,Ikat Weave,Kain Tenun Ikat,/media/products/batik-shirt.svg,450000,IDR,2,blue,Blue,Biru,6
kain-tenun,Ikat Weave,Kain Tenun Ikat,/media/products/batik-shirt.svg,450000,IDR,2,red,Red,Merah,4
gula-aren,Palm Sugar,Gula Aren,/media/products/gayo-coffee.svg,35000,IDR,10,default,,,80
";

async fn import_csv(api: &Api, caller: &Caller, csv: &str) -> (StatusCode, Value) {
    let request = api
        .request(caller, Method::POST, "/api/v1/catalogue/import")
        .header("content-type", "text/csv")
        .body(csv.to_owned());
    let (status, text) = api.send(request).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn catalogue(api: &Api, caller: &Caller) -> Vec<Value> {
    let (status, list) = api
        .call(caller, Method::GET, "/api/v1/catalogue", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

fn ids(products: &[Value]) -> Vec<&str> {
    products.iter().map(|p| p["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_catalogue_is_seeded_imported_from_csv_and_exported_as_it_reads_back() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    // Seeded from the test show's products at start.
    let seeded = catalogue(&api, &owner).await;
    assert!(ids(&seeded).contains(&"shirt"), "{seeded:?}");
    assert!(seeded.iter().all(|p| p["currency"] == "IDR"));

    let (status, done) = import_csv(&api, &owner, CSV).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done, json!({ "created": 2, "updated": 0 }));
    let products = catalogue(&api, &owner).await;
    let weave = products.iter().find(|p| p["id"] == "kain-tenun").unwrap();
    assert_eq!(weave["price"], 45_000_000);
    assert_eq!(weave["names"]["id"], "Kain Tenun Ikat");
    assert_eq!(weave["variants"][1]["labels"]["id"], "Merah");
    assert_eq!(weave["variants"][1]["stock"], 4);

    let (status, csv) = api
        .send(api.request(&owner, Method::GET, "/api/v1/catalogue/csv"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("product_id,name,name_id,"), "{csv}");
    let (status, again) = import_csv(&api, &owner, &csv).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        again["created"], 0,
        "the export reads back as the same products"
    );
    assert_eq!(catalogue(&api, &owner).await, products);
    server.running.stop().await;
}

#[tokio::test]
async fn a_bad_import_names_every_bad_line_and_keeps_nothing() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let before = catalogue(&api, &owner).await;
    let bad = format!(
        "{CSV}teh,Tea,,/media/t.svg,12.345,IDR,1,default,,,5\nBad Id,Nope,,/media/n.svg,1,IDR,1,default,,,5\n"
    );
    let (status, refused) = import_csv(&api, &owner, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("line 5: price"), "{message}");
    let (status, refused) = import_csv(
        &api,
        &owner,
        &format!("{CSV}Bad Id,Nope,,/media/n.svg,1,IDR,1,default,,,5\n"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("Bad Id"));
    let (status, _) = api
        .call(
            &owner,
            Method::POST,
            "/api/v1/catalogue/import",
            Some(json!([])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(catalogue(&api, &owner).await, before, "nothing was kept");
    server.running.stop().await;
}

fn tea(price: i64) -> Value {
    json!({
        "id": "teh-tarik", "name": "Pulled Tea", "names": { "id": "Teh Tarik" },
        "image_url": "/media/products/gayo-coffee.svg", "price": price, "currency": "IDR",
        "max_per_order": 4, "variants": [{ "id": "default", "label": "", "stock": 30 }]
    })
}

#[tokio::test]
async fn an_owner_edits_one_product_and_a_host_or_another_brand_cannot() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let path = "/api/v1/catalogue/teh-tarik";
    let (status, _) = api
        .call(&owner, Method::PUT, path, Some(tea(2_500_000)))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = api
        .call(&owner, Method::PUT, path, Some(tea(2_800_000)))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, wrong) = api
        .call(&owner, Method::PUT, "/api/v1/catalogue/other", Some(tea(1)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
    let mut negative = tea(-1);
    negative["price"] = json!(-1);
    let (status, _) = api.call(&owner, Method::PUT, path, Some(negative)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let host = api
        .sign_in("host@demo.example", common::api::PASSWORD)
        .await
        .unwrap();
    let rival = api
        .sign_in("host@rival.example", common::api::PASSWORD)
        .await
        .unwrap();
    let mut no_csrf = owner.clone();
    no_csrf.csrf = None;
    let refusals = [
        (&host, StatusCode::FORBIDDEN, "forbidden"),
        (&rival, StatusCode::FORBIDDEN, "forbidden"),
        (&no_csrf, StatusCode::FORBIDDEN, "csrf"),
        (&Caller::default(), StatusCode::UNAUTHORIZED, "unauthorized"),
    ];
    for (caller, status, code) in refusals {
        let (got, answer) = api.call(caller, Method::PUT, path, Some(tea(1))).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
        let (got, _) = api.call(caller, Method::DELETE, path, None).await;
        assert_eq!(got, status);
    }
    // Another brand sees its own catalogue, never this one.
    let theirs = catalogue(&api, &rival).await;
    assert!(!ids(&theirs).contains(&"teh-tarik"), "{theirs:?}");
    let mine = catalogue(&api, &owner).await;
    let kept = mine.iter().find(|p| p["id"] == "teh-tarik").unwrap();
    assert_eq!(kept["price"], 2_800_000, "no refused attempt changed it");

    let (status, _) = api.call(&owner, Method::DELETE, path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api.call(&owner, Method::DELETE, path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.running.stop().await;
}

async fn welcome_of(server: &TestServer, show: &str) -> Welcome {
    let mut socket = common::connect(&format!("{}?show={show}", server.url())).await;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: None,
        show: Some(show.into()),
        resume: None,
    };
    send(&mut socket, &hello).await;
    let welcome = wait_for(&mut socket, |m| match m {
        ServerMsg::Welcome(welcome) => Some(welcome.clone()),
        _ => None,
    })
    .await;
    *welcome
}

#[tokio::test]
async fn a_show_takes_catalogue_products_with_its_own_stock_and_price() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let (status, _) = api
        .call(
            &owner,
            Method::PUT,
            "/api/v1/catalogue/teh-tarik",
            Some(tea(2_500_000)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let show = |products: Value| {
        json!({
            "id": "tea-time", "title": "Tea Time", "currency": "IDR",
            "stream_url": "/media/stream.mp4", "poster_url": "/media/poster.jpg",
            "loop_ms": 3600000, "host": { "name": "Sari", "avatar_url": "/media/host.svg" },
            "shipping": [{ "id": "std", "name": "Standard", "days_min": 2, "days_max": 4, "price": 1800000 }],
            "products": products
        })
    };
    for (products, why) in [
        (
            json!([{ "from_catalogue": "nope" }]),
            "no nope in the catalogue",
        ),
        (
            json!([{ "from_catalogue": "teh-tarik", "stock": { "large": 1 } }]),
            "no variant large",
        ),
    ] {
        let (status, refused) = api
            .call(&owner, Method::POST, "/api/v1/shows", Some(show(products)))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(
            refused["message"].as_str().unwrap().contains(why),
            "{refused}"
        );
    }
    let products =
        json!([{ "from_catalogue": "teh-tarik", "price": 1_900_000, "stock": { "default": 5 } }]);
    let (status, made) = api
        .call(&owner, Method::POST, "/api/v1/shows", Some(show(products)))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");

    let welcome = welcome_of(&server, "tea-time").await;
    let product = &welcome.show.products[0];
    assert_eq!(
        (product.id.as_str(), product.price.minor),
        ("teh-tarik", 1_900_000)
    );
    assert_eq!(product.variants[0].stock, 5);
    assert_eq!(
        product.names.get("id").map(String::as_str),
        Some("Teh Tarik")
    );
    let kept = catalogue(&api, &owner).await;
    let tea = kept.iter().find(|p| p["id"] == "teh-tarik").unwrap();
    assert_eq!(
        (tea["price"].clone(), tea["variants"][0]["stock"].clone()),
        (json!(2_500_000), json!(30))
    );
    server.running.stop().await;
}

#[tokio::test]
async fn control_and_direction_characters_in_catalogue_text_are_refused_and_nothing_is_kept() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let before = catalogue(&api, &owner).await;
    let refused = common::api::assert_text_refused;
    for c in common::api::HOSTILE_CHARS {
        let mut name = tea(2_500_000);
        name["name"] = format!("Pulled{c} Tea").into();
        let mut label = tea(2_500_000);
        label["variants"][0]["label"] = format!("Large{c}").into();
        let mut variant = tea(2_500_000);
        variant["variants"][0]["id"] = format!("de{c}fault").into();
        let mut translation = tea(2_500_000);
        translation["names"]["id"] = format!("Teh{c} Tarik").into();
        for (product, field) in [
            (name, "name"),
            (label, "variants[0].label"),
            (variant, "variants[0].id"),
            (translation, "names.id"),
        ] {
            let path = "/api/v1/catalogue/teh-tarik";
            let (status, answer) = api
                .call(&owner, Method::PUT, path, Some(product.clone()))
                .await;
            refused(status, &answer, field, c);
            let import = "/api/v1/catalogue/import";
            let (status, answer) = api
                .call(&owner, Method::POST, import, Some(json!([product])))
                .await;
            refused(status, &answer, field, c);
        }
        for (row, field) in [
            (format!("teh,Te{c}a,,/t.svg,1,IDR,1,default,,,5"), "name"),
            (
                format!("teh,Tea,,/t.svg,1,IDR,1,default,Lar{c}ge,,5"),
                "variants[0].label",
            ),
            (
                format!("teh,Tea,,/t.svg,1,IDR,1,def{c}ault,,,5"),
                "variants[0].id",
            ),
        ] {
            let (status, answer) = import_csv(&api, &owner, &format!("{CSV}{row}\n")).await;
            refused(status, &answer, field, c);
        }
    }
    assert_eq!(catalogue(&api, &owner).await, before, "nothing was kept");
    let mut db = common::open_db(&server.db()).await;
    let teas: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM catalogue_products WHERE product_id IN ('teh-tarik', 'teh', 'kain-tenun')",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(teas, 0);
    // Emoji held together by joiners and selectors still read as written.
    let mut emoji = tea(2_500_000);
    emoji["name"] = "Pulled Tea ❤\u{FE0F}\u{200D}🔥".into();
    let (status, kept) = api
        .call(
            &owner,
            Method::PUT,
            "/api/v1/catalogue/teh-tarik",
            Some(emoji),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{kept}");
    server.running.stop().await;
}
