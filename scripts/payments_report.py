"""BENCHMARKS.md's payments section, from the `payments_load` example's runs (see scripts/bench.sh)."""


def payments_section(sqlite, postgres):
    """Prints the section for the runs on SQLite and, if any, on PostgreSQL (lists of JSON lines)."""
    if not sqlite:
        return
    print("\n## Payments that wait (QRIS) beside a card\n")
    print("`cargo run -q --release -p lapak-server --example payments_load`: the real server in-process on a temporary "
          "SQLite file (`server/tests/fixtures/bench-show.toml`) with the built-in test provider; then the same with "
          "`LAPAK_TEST_POSTGRES` on the durable PostgreSQL cluster of \"Storage\" below. N shoppers loop add → quote → checkout for 5 s, once paying by test card (the "
          "baseline, answered `paid`) and once by QRIS (answered `awaiting_payment` with the QR to show). Every QRIS "
          "order is left waiting with its stock held. The round trip is `Checkout` sent → its `Ack`: from the order "
          "being placed to the payment screen's data in the widget (drawing the QR code adds the viewer's own render).\n")
    print("| store | shoppers | card orders/s | QRIS orders/s | QRIS ÷ card | card p50 / p95 "
          "| QRIS p50 / p95 (placed → payment screen) |\n|---|---:|---:|---:|---:|---:|---:|")
    for label, runs in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        checkouts = [r for r in runs if r["run"] == "checkout"]
        for shoppers in sorted({r["shoppers"] for r in checkouts}):
            by = {r["method"]: r for r in checkouts if r["shoppers"] == shoppers}
            card, qris = by.get("card"), by.get("qris")
            if not (card and qris):
                continue
            print(f"| {label} | {shoppers} | {card['orders_per_s']:.0f} | {qris['orders_per_s']:.0f} | "
                  f"{qris['orders_per_s'] / card['orders_per_s']:.2f}× | "
                  f"{card['p50_ms']:.1f} / {card['p95_ms']:.1f} ms | {qris['p50_ms']:.1f} / {qris['p95_ms']:.1f} ms |")
    callbacks = [(label, r) for label, runs in (("SQLite", sqlite), ("PostgreSQL", postgres))
                 for r in runs if r["run"] == "callback"]
    if callbacks:
        print(f"\n**Callback received → order shown paid**: one shopper's {callbacks[0][1]['orders']} waiting QRIS "
              "orders paid one after another by the test provider's callback over HTTP, from posting the callback to "
              "the shopper's socket receiving `OrderUpdated` with `paid` (verification, the event recorded and the "
              "order moved in one transaction, the push):\n")
        print("| store | p50 | p95 |\n|---|---:|---:|")
        for label, run in callbacks:
            print(f"| {label} | {run['p50_ms']:.2f} ms | {run['p95_ms']:.2f} ms |")
