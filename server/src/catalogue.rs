//! A brand's catalogue: products, variants, prices and stock apart from any
//! show, edited in the studio or through the API, one product at a time or
//! imported from CSV or JSON (all of an import, or nothing). A show scheduled
//! through the API names catalogue products (`from_catalogue`) and takes
//! copies with its own stock and prices ([`expand`]). At start, a brand with
//! an empty catalogue is seeded from its show files' products.

use std::collections::BTreeMap;

use lapak_protocol::api::catalogue::FromCatalogue;
use lapak_protocol::{Money, Translations, Variant, MAX_KEY_LEN};
use serde::Deserialize;
use serde_json::Value;

use crate::clock::now_ms;
use crate::db::Conn;
use crate::error::AppError;
use crate::show::{ProductEntry, ShowFile};
use crate::text::is_slug;

/// Products one brand's catalogue may hold: a bound on what is stored.
pub const MAX_PRODUCTS: i64 = 2_000;
/// Variants one product may have.
const MAX_VARIANTS: usize = 50;
/// Longest name or label, in characters.
const MAX_TEXT_CHARS: usize = 120;
/// Longest image URL, in bytes.
const MAX_URL_BYTES: usize = 500;

/// A catalogue product: a show file's product, with the currency of its price.
pub use lapak_protocol::CatalogueProduct as Product;

impl ProductEntry {
    /// The catalogue product as a show file has it (the show's currency is the show's).
    pub fn from_catalogue(product: &Product) -> ProductEntry {
        ProductEntry {
            id: product.id.clone(),
            name: product.name.clone(),
            names: product.names.clone(),
            image_url: product.image_url.clone(),
            price: product.price,
            max_per_order: product.max_per_order,
            variants: product.variants.clone(),
        }
    }
}

/// The product of a show file, priced in `currency`.
fn from_entry(entry: &ProductEntry, currency: &str) -> Product {
    Product {
        id: entry.id.clone(),
        name: entry.name.clone(),
        names: entry.names.clone(),
        image_url: entry.image_url.clone(),
        price: entry.price,
        currency: currency.to_owned(),
        max_per_order: entry.max_per_order,
        variants: entry.variants.clone(),
    }
}

/// Ids the API's own paths take (`/api/v1/catalogue/csv`, `…/import`).
const RESERVED_IDS: [&str; 2] = ["csv", "import"];

/// Why the product cannot be kept, if it cannot.
pub fn check(product: &Product) -> Result<(), String> {
    let id = &product.id;
    if RESERVED_IDS.contains(&id.as_str()) {
        return Err(format!("product id {id:?} is taken by the API's own paths"));
    }
    if !is_slug(id) {
        return Err(format!(
            "product id {id:?}: use 1 to 64 lowercase letters, digits and dashes"
        ));
    }
    let long = |text: &str| text.trim().is_empty() || text.chars().count() > MAX_TEXT_CHARS;
    if long(&product.name) {
        return Err(format!(
            "product {id}: a name of 1 to {MAX_TEXT_CHARS} characters"
        ));
    }
    if product.image_url.is_empty() || product.image_url.len() > MAX_URL_BYTES {
        return Err(format!(
            "product {id}: an image_url of 1 to {MAX_URL_BYTES} bytes"
        ));
    }
    let currency = &product.currency;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("product {id}: currency is an ISO 4217 code"));
    }
    if product.variants.len() > MAX_VARIANTS {
        return Err(format!("product {id}: at most {MAX_VARIANTS} variants"));
    }
    let mut seen = std::collections::HashSet::new();
    for variant in &product.variants {
        let fits = !variant.id.is_empty() && variant.id.len() <= MAX_KEY_LEN;
        if !fits || !seen.insert(&variant.id) {
            return Err(format!(
                "product {id}: variant ids are 1 to {MAX_KEY_LEN} bytes and unique"
            ));
        }
        if variant.label.chars().count() > MAX_TEXT_CHARS {
            return Err(format!(
                "product {id}: a label of at most {MAX_TEXT_CHARS} characters"
            ));
        }
    }
    ProductEntry::from_catalogue(product).check()
}

fn decode(entry: &str) -> Option<Product> {
    serde_json::from_str(entry).ok()
}

/// The brand's products, by id.
pub async fn list(conn: &mut Conn, brand: &str) -> Result<Vec<Product>, AppError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT entry FROM catalogue_products WHERE brand_id = $1 ORDER BY product_id",
    )
    .bind(brand)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().filter_map(|row| decode(row)).collect())
}

/// One product of the brand.
pub async fn get(conn: &mut Conn, brand: &str, id: &str) -> Result<Option<Product>, AppError> {
    let row: Option<String> = sqlx::query_scalar(
        "SELECT entry FROM catalogue_products WHERE brand_id = $1 AND product_id = $2",
    )
    .bind(brand)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_deref().and_then(decode))
}

/// Why products could not be kept.
#[derive(Debug, PartialEq, Eq)]
pub enum NotKept {
    /// The catalogue would hold more than [`MAX_PRODUCTS`].
    Full,
}

/// Keeps `products` (checked by the caller), replacing those with their ids,
/// all or none: whether each was new.
pub async fn put(
    conn: &mut Conn,
    brand: &str,
    products: &[Product],
) -> Result<Result<Vec<bool>, NotKept>, AppError> {
    let mut created = Vec::with_capacity(products.len());
    for product in products {
        let entry = serde_json::to_string(product)?;
        let new = sqlx::query_scalar::<_, i64>(
            "SELECT 1 FROM catalogue_products WHERE brand_id = $1 AND product_id = $2",
        )
        .bind(brand)
        .bind(&product.id)
        .fetch_optional(&mut *conn)
        .await?
        .is_none();
        sqlx::query(
            "INSERT INTO catalogue_products (brand_id, product_id, entry, updated_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (brand_id, product_id) DO UPDATE SET entry = excluded.entry,
                                                           updated_at_ms = excluded.updated_at_ms",
        )
        .bind(brand)
        .bind(&product.id)
        .bind(entry)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
        created.push(new);
    }
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM catalogue_products WHERE brand_id = $1")
            .bind(brand)
            .fetch_one(&mut *conn)
            .await?;
    Ok(if count > MAX_PRODUCTS {
        Err(NotKept::Full)
    } else {
        Ok(created)
    })
}

/// Removes a product; whether it was there. Shows that copied it keep their copies.
pub async fn remove(conn: &mut Conn, brand: &str, id: &str) -> Result<bool, AppError> {
    let done =
        sqlx::query("DELETE FROM catalogue_products WHERE brand_id = $1 AND product_id = $2")
            .bind(brand)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Seeds each brand whose catalogue is empty with its show files' products
/// (the first file naming a product wins).
pub async fn seed(conn: &mut Conn, shows: &[ShowFile]) -> Result<(), AppError> {
    let mut brands: BTreeMap<&str, Vec<Product>> = BTreeMap::new();
    for show in shows {
        let products = brands.entry(&show.brand).or_default();
        for entry in &show.products {
            if !products.iter().any(|p| p.id == entry.id) {
                products.push(from_entry(entry, &show.currency));
            }
        }
    }
    for (brand, products) in brands {
        let empty = sqlx::query_scalar::<_, i64>(
            "SELECT 1 FROM catalogue_products WHERE brand_id = $1 LIMIT 1",
        )
        .bind(brand)
        .fetch_optional(&mut *conn)
        .await?
        .is_none();
        let fit: Vec<Product> = products.into_iter().filter(|p| check(p).is_ok()).collect();
        if empty && put(conn, brand, &fit).await?.is_ok() {
            tracing::info!(
                brand,
                products = fit.len(),
                "catalogue seeded from the show files"
            );
        }
    }
    Ok(())
}

/// Replaces each `from_catalogue` entry of a show's `products` (JSON, as
/// `POST /api/v1/shows` takes it) by a copy of the brand's product, with the
/// show's price and stock where given (else the catalogue's), in the show's
/// `currency`. Other entries are left as they are.
pub async fn expand(
    conn: &mut Conn,
    brand: &str,
    show: &mut Value,
) -> Result<Result<(), String>, AppError> {
    let currency = show
        .get("currency")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let Some(products) = show.get_mut("products").and_then(Value::as_array_mut) else {
        return Ok(Ok(()));
    };
    for slot in products.iter_mut() {
        if slot.get("from_catalogue").is_none() {
            continue;
        }
        let wanted: FromCatalogue = match serde_json::from_value(slot.clone()) {
            Ok(wanted) => wanted,
            Err(e) => return Ok(Err(format!("products: {e}"))),
        };
        let Some(product) = get(conn, brand, &wanted.from_catalogue).await? else {
            return Ok(Err(format!(
                "products: no {} in the catalogue",
                wanted.from_catalogue
            )));
        };
        if product.currency != currency {
            return Ok(Err(format!(
                "products: {} is priced in {}, the show in {currency}",
                product.id, product.currency
            )));
        }
        if let Some(unknown) = wanted
            .stock
            .keys()
            .find(|v| !product.variants.iter().any(|pv| &pv.id == *v))
        {
            return Ok(Err(format!(
                "products: {} has no variant {unknown}",
                product.id
            )));
        }
        let mut entry = ProductEntry::from_catalogue(&product);
        entry.price = wanted.price.unwrap_or(entry.price);
        for variant in &mut entry.variants {
            if let Some(units) = wanted.stock.get(&variant.id) {
                variant.stock = *units;
            }
        }
        *slot = serde_json::to_value(&entry)?;
    }
    Ok(Ok(()))
}

/// The CSV columns, one row per variant: a product's rows are consecutive.
pub const CSV_COLUMNS: [&str; 11] = [
    "product_id",
    "name",
    "name_id",
    "image_url",
    "price",
    "currency",
    "max_per_order",
    "variant_id",
    "variant_label",
    "variant_label_id",
    "stock",
];

/// One CSV row.
#[derive(Deserialize)]
struct Row {
    product_id: String,
    name: String,
    #[serde(default)]
    name_id: String,
    image_url: String,
    /// A decimal in the currency (`189000` or `12.50`).
    price: String,
    currency: String,
    max_per_order: u32,
    variant_id: String,
    #[serde(default)]
    variant_label: String,
    #[serde(default)]
    variant_label_id: String,
    stock: u32,
}

/// Reads a CSV import (a header row with [`CSV_COLUMNS`], in any order, then
/// a row per variant), or every problem found, each with its line.
pub fn from_csv(text: &str) -> Result<Vec<Product>, Vec<(u64, String)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut products: Vec<Product> = Vec::new();
    let mut problems = Vec::new();
    for (index, row) in reader.deserialize::<Row>().enumerate() {
        // Line 1 is the header.
        let line = index as u64 + 2;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                problems.push((line, e.to_string()));
                continue;
            }
        };
        let Some(price) = Money::from_decimal(&row.price, &row.currency) else {
            problems.push((
                line,
                format!("price {:?} is not an amount in {}", row.price, row.currency),
            ));
            continue;
        };
        let translated = |text: String| -> Translations {
            if text.is_empty() {
                Translations::default()
            } else {
                [("id".to_owned(), text)].into_iter().collect()
            }
        };
        let variant = Variant {
            id: row.variant_id,
            label: row.variant_label,
            labels: translated(row.variant_label_id),
            stock: row.stock,
        };
        let continues = products.last().is_some_and(|p| p.id == row.product_id);
        if continues {
            if let Some(product) = products.last_mut() {
                product.variants.push(variant);
            }
        } else if products.iter().any(|p| p.id == row.product_id) {
            let message = format!("product {}'s rows are not together", row.product_id);
            problems.push((line, message));
        } else {
            products.push(Product {
                id: row.product_id,
                name: row.name,
                names: translated(row.name_id),
                image_url: row.image_url,
                price: price.minor,
                currency: row.currency,
                max_per_order: row.max_per_order,
                variants: vec![variant],
            });
        }
    }
    if problems.is_empty() {
        Ok(products)
    } else {
        Err(problems)
    }
}

/// The products as CSV, as [`from_csv`] reads them back.
pub fn to_csv(products: &[Product]) -> Result<String, AppError> {
    // Writing to memory fails only as a write does: an io error.
    let failed = |e: csv::Error| AppError::Io(e.into());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS).map_err(failed)?;
    for product in products {
        let price = Money {
            minor: product.price,
            currency: product.currency.clone(),
        };
        let indonesian = |t: &Translations| t.get("id").cloned().unwrap_or_default();
        for variant in &product.variants {
            writer
                .write_record([
                    product.id.clone(),
                    product.name.clone(),
                    indonesian(&product.names),
                    product.image_url.clone(),
                    decimal(&price),
                    product.currency.clone(),
                    product.max_per_order.to_string(),
                    variant.id.clone(),
                    variant.label.clone(),
                    indonesian(&variant.labels),
                    variant.stock.to_string(),
                ])
                .map_err(failed)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Io(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// An amount as a plain decimal in its currency (`189000.00`).
fn decimal(money: &Money) -> String {
    let digits = money.minor_digits();
    if digits == 0 {
        return money.minor.to_string();
    }
    let unit = 10i64.pow(digits);
    let sign = if money.minor < 0 { "-" } else { "" };
    let (whole, fraction) = (money.minor.abs() / unit, money.minor.abs() % unit);
    format!("{sign}{whole}.{fraction:0width$}", width = digits as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "product_id,name,name_id,image_url,price,currency,max_per_order,variant_id,variant_label,variant_label_id,stock
batik-shirt,Batik Shirt,Kemeja Batik,/media/p/batik.svg,189000,IDR,5,m,M,,12
batik-shirt,Batik Shirt,Kemeja Batik,/media/p/batik.svg,189000,IDR,5,l,L,,3
kopi,\"Kopi, Gayo\",,/media/p/kopi.svg,89000.50,IDR,9,default,,,40
";

    #[test]
    fn a_csv_import_groups_variants_under_their_product_and_reads_back_the_same() {
        let products = from_csv(CSV).unwrap();
        assert_eq!(products.len(), 2);
        assert_eq!(products[0].variants.len(), 2);
        assert_eq!(products[0].price, 18_900_000);
        assert_eq!(
            products[0].names.get("id").map(String::as_str),
            Some("Kemeja Batik")
        );
        assert_eq!(products[1].name, "Kopi, Gayo");
        assert_eq!(products[1].price, 8_900_050);
        assert!(products.iter().all(|p| check(p).is_ok()));
        assert_eq!(from_csv(&to_csv(&products).unwrap()).unwrap(), products);
    }

    #[test]
    fn every_bad_csv_line_is_named() {
        let bad = "product_id,name,name_id,image_url,price,currency,max_per_order,variant_id,variant_label,variant_label_id,stock
a,A,,/a.svg,10,IDR,1,v,,,1
b,B,,/b.svg,10,IDR,1,v,,,1
c,C,,/c.svg,12.345,IDR,1,v,,,1
d,D,,/d.svg,10,IDR,1,v,,,-4
a,A,,/a.svg,10,IDR,1,w,,,1
";
        let lines: Vec<u64> = from_csv(bad).unwrap_err().iter().map(|p| p.0).collect();
        assert_eq!(lines, [4, 5, 6]);
    }

    #[test]
    fn a_product_with_a_bad_id_currency_or_variant_is_refused() {
        let good = from_csv(CSV).unwrap().remove(0);
        let with = |change: fn(&mut Product)| {
            let mut product = good.clone();
            change(&mut product);
            check(&product)
        };
        assert!(with(|p| p.id = "Batik Shirt".into()).is_err());
        assert!(with(|p| p.id = "import".into()).is_err());
        assert!(with(|p| p.currency = "rupiah".into()).is_err());
        assert!(with(|p| p.variants[1].id = "m".into()).is_err());
        assert!(with(|p| p.variants.clear()).is_err());
        assert!(with(|p| p.name = " ".into()).is_err());
        assert!(with(|_| {}).is_ok());
    }
}
