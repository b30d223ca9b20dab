#!/usr/bin/env bash
# Regenerates public/media/stream.mp4 and poster.jpg from ffmpeg sources and the
# product illustrations. Run by hand (needs ffmpeg and librsvg2-bin); the outputs are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The products on the host's table: the illustrations without their backdrop.
for p in pandan-tote gayo-coffee sambal-jar; do
  sed -E 's#<rect width="240" height="240"( rx="[0-9]+")? fill="[^"]*"/>##; s#<ellipse cx="120" cy="2[01][0-9]"[^/]*/>##' \
    "public/media/products/$p.svg" > "$work/$p.svg"
  rsvg-convert -w 170 "$work/$p.svg" > "$work/$p.png"
done

# A 20 s loop: every motion is a whole number of cycles in 20 s, so it loops seamlessly.
# Backdrop: a warm terracotta → sand → indigo wash that breathes, with drifting bokeh.
# Foreground: a wooden table with three products that bob gently. Audio: a quiet A-major pad.
P='(2*PI*T/20)'
BOKEH="(60*exp(-(pow(X-W*(0.3+0.15*sin($P)),2)+pow(Y-H*(0.25+0.08*cos($P)),2))/900)\
+45*exp(-(pow(X-W*(0.72+0.12*cos($P)),2)+pow(Y-H*(0.4+0.1*sin(2*$P)),2))/1400)\
+35*exp(-(pow(X-W*(0.55+0.2*sin(2*$P+1)),2)+pow(Y-H*(0.15+0.05*sin($P+2)),2))/600))"
V="(Y/H+0.06*sin($P+3*X/W))"
R="min(255,if(lt($V,0.5),200+2*(242-200)*$V,242-2*(242-70)*($V-0.5))+$BOKEH)"
G="min(255,if(lt($V,0.5),85+2*(208-85)*$V,208-2*(208-72)*($V-0.5))+0.85*$BOKEH)"
B="min(255,if(lt($V,0.5),61+2*(164-61)*$V,164-2*(164-120)*($V-0.5))+0.6*$BOKEH)"

ffmpeg -y -loglevel error \
  -f lavfi -i "nullsrc=s=270x480:r=24:d=20,format=rgb24,geq=r='$R':g='$G':b='$B'" \
  -i "$work/pandan-tote.png" -i "$work/gayo-coffee.png" -i "$work/sambal-jar.png" \
  -f lavfi -i "aevalsrc='0.05*(sin(2*PI*220*t)+0.8*sin(2*PI*277.2*t)+0.7*sin(2*PI*329.6*t)+0.4*sin(2*PI*110*t))*(0.75+0.25*sin(2*PI*t/10))':s=44100:c=stereo:d=20" \
  -filter_complex "\
[0:v]scale=540:960:flags=bicubic,gblur=sigma=2,\
drawbox=x=0:y=730:w=540:h=230:color=0x6b4226:t=fill,drawbox=x=0:y=730:w=540:h=10:color=0x8a5a36:t=fill,\
vignette=PI/5[bg];\
[bg][1:v]overlay=x=20:y='578+4*sin(2*PI*t/5)'[a];\
[a][2:v]overlay=x=190:y='574+4*sin(2*PI*t/5+2)'[b];\
[b][3:v]overlay=x=360:y='580+4*sin(2*PI*t/5+4)',format=yuv420p[v];\
[4:a]lowpass=f=1400,volume=0.8[a]" \
  -map "[v]" -map "[a]" -c:v libx264 -profile:v main -preset slow -crf 30 -g 48 \
  -c:a aac -b:a 48k -movflags +faststart -t 20 public/media/stream.mp4

ffmpeg -y -loglevel error -ss 2 -i public/media/stream.mp4 -frames:v 1 -q:v 6 public/media/poster.jpg
