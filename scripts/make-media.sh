#!/usr/bin/env bash
# Regenerates public/media/stream.mp4 and poster.jpg: the host's display alcove with all six
# products of the demo show on two wooden shelves, drawn from the product illustrations. Run
# by hand (needs ffmpeg and librsvg2-bin); the outputs are committed.
#
# The products stand still for the whole loop (only the light moves), so a pinned tag points
# at its product whatever the alignment between the looping clip and the show's timeline.
# They stand in the upper-middle band of the portrait frame, left of the viewer's side rail
# and above its chat. Their centres, as fractions of the 540x960 frame, are the `x`/`y` of
# the pins in server/shows/demo.toml:
#
#   batik-shirt 0.2185 0.2915   gayo-coffee 0.4444 0.2919   silk-scarf  0.6704 0.2963
#   pandan-tote 0.2185 0.4923   sambal-jar  0.4444 0.4942   rattan-lamp 0.6704 0.4631
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The products without their backdrop tile and floor shadow (the shelf casts its own).
for p in batik-shirt pandan-tote gayo-coffee sambal-jar silk-scarf rattan-lamp; do
  sed -E 's#<rect width="240" height="240"( rx="[0-9]+")? fill="[^"]*"/>##; s#<ellipse cx="120" cy="2[01][0-9]"[^/]*/>##' \
    "public/media/products/$p.svg" > "$work/$p.svg"
done

# The still scene. Each product is its 240-unit illustration at scale 0.6 (the lamp 0.7),
# placed so that its base rests on a shelf top (y 330 and 520), in columns centred on x 118,
# 240 and 362; the lamp hangs from the upper shelf.
cat > "$work/scene.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="540" height="960" viewBox="0 0 540 960">
<defs>
  <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#d9a57c"/><stop offset=".55" stop-color="#e4b892"/><stop offset="1" stop-color="#c98f66"/>
  </linearGradient>
  <radialGradient id="alcove" cx=".5" cy=".25" r=".9">
    <stop offset="0" stop-color="#fbf0dd"/><stop offset=".6" stop-color="#f2dcbc"/><stop offset="1" stop-color="#e2c098"/>
  </radialGradient>
  <linearGradient id="inner" x1="0" y1="0" x2="1" y2="0">
    <stop offset="0" stop-color="#7a4a2a" stop-opacity=".22"/><stop offset=".08" stop-color="#7a4a2a" stop-opacity="0"/>
    <stop offset=".92" stop-color="#7a4a2a" stop-opacity="0"/><stop offset="1" stop-color="#7a4a2a" stop-opacity=".22"/>
  </linearGradient>
  <linearGradient id="plank" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#c98d56"/><stop offset=".3" stop-color="#b2743f"/><stop offset="1" stop-color="#8a5430"/>
  </linearGradient>
  <linearGradient id="board" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#6a3f24"/><stop offset="1" stop-color="#3e2414"/>
  </linearGradient>
  <linearGradient id="runner" x1="0" y1="0" x2="1" y2="0">
    <stop offset="0" stop-color="#2d3c6e"/><stop offset=".5" stop-color="#34477e"/><stop offset="1" stop-color="#2d3c6e"/>
  </linearGradient>
  <linearGradient id="pot" x1="0" y1="0" x2="1" y2="0">
    <stop offset="0" stop-color="#b5582f"/><stop offset=".45" stop-color="#d77a4a"/><stop offset="1" stop-color="#9c4a26"/>
  </linearGradient>
  <filter id="soft" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="5"/></filter>
  <filter id="softer" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="10"/></filter>
  <g id="leaf"><path d="M0 0c10-18 34-22 48-10-10 16-32 22-48 10z" fill="#3f7a4a"/><path d="M2 0c14-6 28-8 44-9" stroke="#2c5a36" stroke-width="1.6" fill="none"/></g>
</defs>

<rect width="540" height="960" fill="url(#wall)"/>
<!-- A lime-washed alcove in the wall, lit from above. -->
<path d="M28 612V214a64 64 0 0 1 64-64h298a64 64 0 0 1 64 64v398z" fill="#a8704a" opacity=".35" filter="url(#soft)"/>
<path d="M30 610V214a62 62 0 0 1 62-62h298a62 62 0 0 1 62 62v396z" fill="url(#alcove)"/>
<path d="M30 610V214a62 62 0 0 1 62-62h298a62 62 0 0 1 62 62v396z" fill="url(#inner)"/>

<!-- Shelves: their shadow on the wall, then the plank. -->
<rect x="34" y="344" width="414" height="16" fill="#7a4a2a" opacity=".35" filter="url(#soft)"/>
<rect x="34" y="534" width="414" height="16" fill="#7a4a2a" opacity=".35" filter="url(#soft)"/>
<!-- Contact shadows of the products. -->
<g fill="#5a341c" opacity=".38" filter="url(#soft)">
  <ellipse cx="240" cy="328" rx="52" ry="5"/><ellipse cx="362" cy="328" rx="44" ry="5"/>
  <ellipse cx="118" cy="518" rx="50" ry="5"/><ellipse cx="240" cy="518" rx="40" ry="5"/>
</g>
<!-- The shirt hangs on a peg over the upper shelf; the scarf's rod rests on two posts. -->
<g stroke="#5a3a20" stroke-linecap="round" fill="none">
  <path d="M118 214V190a6 6 0 0 1 12 0" stroke-width="3"/>
  <path d="M83 242 118 214 153 242" stroke-width="4"/>
  <path d="M83 242h70" stroke-width="4"/>
</g>
<circle cx="124" cy="190" r="3.5" fill="#8a5a34"/>
<g fill="#8a5a34" stroke="#5a3a20" stroke-width="2">
  <rect x="319" y="240" width="6" height="90" rx="2"/><rect x="399" y="240" width="6" height="90" rx="2"/>
</g>

<image x="46" y="204.8" width="144" height="144" xlink:href="batik-shirt.svg"/>
<image x="168" y="207.6" width="144" height="144" xlink:href="gayo-coffee.svg"/>
<image x="290" y="210" width="144" height="144" xlink:href="silk-scarf.svg"/>

<!-- Upper shelf. -->
<rect x="36" y="330" width="410" height="16" rx="2" fill="url(#plank)"/>
<rect x="36" y="330" width="410" height="3" fill="#dca66e"/>

<!-- The lamp hangs from the underside of the upper shelf, lit. -->
<ellipse cx="362" cy="500" rx="70" ry="26" fill="#ffd98a" opacity=".35" filter="url(#softer)"/>
<path d="M362 346v18" stroke="#4a3322" stroke-width="2.5"/>
<image x="278" y="362" width="168" height="168" xlink:href="rattan-lamp.svg"/>
<image x="46" y="397.6" width="144" height="144" xlink:href="pandan-tote.svg"/>
<image x="168" y="398.8" width="144" height="144" xlink:href="sambal-jar.svg"/>

<!-- Lower shelf. -->
<rect x="36" y="520" width="410" height="16" rx="2" fill="url(#plank)"/>
<rect x="36" y="520" width="410" height="3" fill="#dca66e"/>

<!-- Small cream name plates on the shelf fronts. -->
<g font-family="DejaVu Serif" font-style="italic" font-size="9.5" fill="#5a3a20" text-anchor="middle">
  <g fill="#f6e9d2" stroke="#8a5430" stroke-width=".8">
    <rect x="75" y="334" width="86" height="11" rx="2"/><rect x="197" y="334" width="86" height="11" rx="2"/><rect x="319" y="334" width="86" height="11" rx="2"/>
    <rect x="75" y="524" width="86" height="11" rx="2"/><rect x="197" y="524" width="86" height="11" rx="2"/><rect x="319" y="524" width="86" height="11" rx="2"/>
  </g>
  <text x="118" y="342.5">Batik Parang</text><text x="240" y="342.5">Gayo Arabica</text><text x="362" y="342.5">Silk Scarf</text>
  <text x="118" y="532.5">Pandan Tote</text><text x="240" y="532.5">Sambal Bawang</text><text x="362" y="532.5">Rattan Lamp</text>
</g>

<!-- A potted plant beside the alcove. -->
<g transform="translate(496 470)">
  <path d="M0 140C-4 90 -8 40 -2 -40" stroke="#2c5a36" stroke-width="3" fill="none"/>
  <path d="M0 140C6 90 16 50 30 0" stroke="#2c5a36" stroke-width="3" fill="none"/>
  <use href="#leaf" transform="translate(-2 -40) rotate(-120) scale(1.2)"/>
  <use href="#leaf" transform="translate(-3 0) rotate(-160) scale(1.1)"/>
  <use href="#leaf" transform="translate(-4 50) rotate(-150)"/>
  <use href="#leaf" transform="translate(30 0) rotate(-40) scale(1.1)"/>
  <use href="#leaf" transform="translate(18 40) rotate(-20)"/>
  <use href="#leaf" transform="translate(-2 -40) rotate(-60)"/>
  <use href="#leaf" transform="translate(2 90) rotate(-170) scale(.9)"/>
</g>
<path d="M468 604h58l-7 -64h-44z" fill="url(#pot)" transform="translate(0 4)"/>
<rect x="470" y="536" width="54" height="10" rx="3" fill="#c0643a"/>

<!-- The sideboard the host stands behind, with an indigo batik runner and a cup. -->
<rect x="0" y="610" width="540" height="350" fill="url(#board)"/>
<rect x="0" y="606" width="540" height="12" fill="#8a5634"/>
<rect x="0" y="606" width="540" height="3" fill="#b07a4c"/>
<rect x="60" y="600" width="360" height="18" rx="2" fill="url(#runner)"/>
<path d="M60 605h360M60 613h360" stroke="#c9a464" stroke-width="1.2" stroke-dasharray="6 4"/>
<path d="M44 596c0 10 6 14 16 14s16-4 16-14z" fill="#efe6d6" stroke="#8a6a4a" stroke-width="1.5"/>
<g stroke="#2e1a10" stroke-opacity=".45" stroke-width="2" fill="none">
  <path d="M20 700h500M20 830h500M270 618v342"/>
</g>
<g fill="#c9a464"><circle cx="250" cy="760" r="5"/><circle cx="290" cy="760" r="5"/></g>
</svg>
SVG
rsvg-convert -w 540 -h 960 "$work/scene.svg" > "$work/scene.png"

# A 20 s loop (every motion a whole number of cycles in 20 s, so it loops seamlessly): a warm
# light drifts across the alcove, motes float, the lamp glows; a fine grain makes it read as
# film. Audio: a quiet A-major pad. A keyframe every second (24 frames at 24 fps): the clip is
# published live as 1 s HLS segments.
P='(2*PI*T/20)'
GLOW="(0.55*exp(-(pow(X-W*(0.45+0.18*sin($P)),2)+pow(Y-H*(0.28+0.05*cos($P)),2))/900)\
+0.35*exp(-(pow(X-W*(0.2+0.1*cos(2*$P)),2)+pow(Y-H*(0.12+0.04*sin($P+1)),2))/120)\
+0.3*exp(-(pow(X-W*(0.8+0.08*sin($P+2)),2)+pow(Y-H*(0.2+0.06*sin(2*$P)),2))/90)\
+0.25*(0.8+0.2*sin(4*$P))*exp(-(pow(X-W*0.67,2)+pow(Y-H*0.5,2))/160))"

ffmpeg -y -loglevel error \
  -loop 1 -framerate 24 -t 20 -i "$work/scene.png" \
  -f lavfi -i "nullsrc=s=135x240:r=24:d=20,format=gbrp,geq=r='255*min(1,$GLOW)':g='205*min(1,$GLOW)':b='140*min(1,$GLOW)'" \
  -f lavfi -i "aevalsrc='0.05*(sin(2*PI*220*t)+0.8*sin(2*PI*277.2*t)+0.7*sin(2*PI*329.6*t)+0.4*sin(2*PI*110*t))*(0.75+0.25*sin(2*PI*t/10))':s=44100:c=stereo:d=20" \
  -filter_complex "\
[0:v]format=gbrp[scene];\
[1:v]scale=540:960:flags=bicubic,gblur=sigma=6[light];\
[scene][light]blend=all_mode=screen:all_opacity=0.4,vignette=PI/6,noise=alls=3:allf=t,format=yuv420p[v];\
[2:a]lowpass=f=1400,volume=0.8[a]" \
  -map "[v]" -map "[a]" -r 24 \
  -c:v libx264 -profile:v main -preset slow -crf 21 -g 24 -keyint_min 24 -sc_threshold 0 \
  -c:a aac -b:a 64k -movflags +faststart -t 20 public/media/stream.mp4

ffmpeg -y -loglevel error -ss 2 -i public/media/stream.mp4 -frames:v 1 -q:v 4 public/media/poster.jpg
