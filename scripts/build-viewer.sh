#!/usr/bin/env bash
# Builds the release viewer into dist/ with its rarely opened sheets (checkout,
# top-up, gifts, missions, orders) in lazily loaded wasm chunks. Trunk cannot
# split wasm, so the rust part is this pipeline, as cargo-leptos runs it:
#
#   cargo (wasm-release, feature `split`, linked with --emit-relocs)
#     → wasm-split-cli: the main module, a module per split point (and per
#       code they share) and __wasm_split.js, which loads them
#     → wasm-bindgen --keep-lld-exports (the main module: the chunks import its
#       memory, table and globals)
#     → wasm-opt -Oz, every module
#
# Trunk still builds the rest (styles, copied files) from a copy of index.html
# whose rust link is replaced by the loader Trunk would have written. Chunks go
# to dist/chunks/ with their content hash in their names (served immutable);
# lapak.js and lapak_bg.wasm keep their names, which the embed loader uses.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

target=wasm32-unknown-unknown
profile=wasm-release
work=target/split
rm -rf "$work" && mkdir -p "$work/split" "$work/bindgen" "$work/opt" "$work/web"

# 1. Relocations kept for the splitter, at the final link only: .cargo/config.toml's
#    flags still apply and dependencies are not rebuilt.
cargo rustc -q --profile "$profile" --target "$target" --bin lapak --features split -- -C link-arg=--emit-relocs
wasm-split-cli --target web --out-name lapak "target/$target/$profile/lapak.wasm" "$work/split"

# 2. Bindings for the main module, then every module optimised for size (Trunk's data-wasm-opt="z").
wasm-bindgen --target web --keep-lld-exports --no-demangle --no-typescript --out-name lapak \
  --out-dir "$work/bindgen" "$work/split/lapak.wasm"
wasm-opt -Oz "$work/bindgen/lapak_bg.wasm" -o "$work/opt/lapak_bg.wasm"
for chunk in "$work"/split/*.wasm; do
  name="$(basename "$chunk")"
  [ "$name" = lapak.wasm ] || wasm-opt -Oz "$chunk" -o "$work/opt/$name" 2>/dev/null
done

# 3. The rest through Trunk. The copy of index.html sits where no Cargo.toml is
#    (else Trunk builds the crate anyway), so its asset paths point back here.
up="$(realpath --relative-to="$work/web" .)"
loader='<link rel="modulepreload" href="/lapak.js"><link rel="modulepreload" href="/__wasm_split.js">\
    <link rel="preload" href="/lapak_bg.wasm" as="fetch" type="application/wasm" crossorigin>\
    <script type="module">import init from "/lapak.js"; await init({ module_or_path: "/lapak_bg.wasm" });</script>'
sed -e "s#^ *<link data-trunk rel=\"rust\"[^>]*/>#    $loader#" \
    -e "/<link data-trunk/s#href=\"#href=\"$up/#" index.html > "$work/web/index.html"
grep -q 'data-trunk rel="rust"' "$work/web/index.html" && { echo "index.html: the rust link was not replaced" >&2; exit 1; }
trunk build --release=true "$work/web/index.html" >"$work/trunk.log" 2>&1 || { cat "$work/trunk.log"; exit 1; }

# 4. Into dist/: chunks named by their content, and the loader pointed at them.
cp "$work/bindgen/lapak.js" "$work/opt/lapak_bg.wasm" dist/
mkdir -p dist/chunks
cp "$work/split/__wasm_split.js" "$work/__wasm_split.js"
for chunk in "$work"/opt/*.wasm; do
  name="$(basename "$chunk" .wasm)"
  [ "$name" = lapak_bg ] && continue
  hashed="$name-$(sha256sum "$chunk" | cut -c1-16).wasm"
  cp "$chunk" "dist/chunks/$hashed"
  sed -i "s#\"./$name.wasm\"#\"./chunks/$hashed\"#" "$work/__wasm_split.js"
done
grep -q '"\./[a-z_0-9]*\.wasm"' "$work/__wasm_split.js" && { echo "__wasm_split.js: a chunk was not renamed" >&2; exit 1; }
cp "$work/__wasm_split.js" dist/
echo "viewer built: dist/ ($(ls dist/chunks | wc -l) lazy chunks)"
