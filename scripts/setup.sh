#!/usr/bin/env bash
# Installs everything Polylens needs on a bare Debian 12 machine, and nothing twice.
# Idempotent: each step checks what is there first, so a second run takes seconds.
# Needs root (or sudo) for apt-get and for the unprivileged Elasticsearch user.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
source "$here/scripts/common.sh"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- Debian packages -------------------------------------------------------------------------
apt_packages=(build-essential cmake ninja-build pkg-config git curl ca-certificates openssl unzip xz-utils dpkg-dev
              emscripten chromium fonts-dejavu-core fonts-droid-fallback fonts-noto-core fonts-nanum libcpp-httplib-dev nlohmann-json3-dev libssl-dev libgtest-dev
              libwebp-dev clang-14 libclang-rt-14-dev  # WebP decoding natively; the libFuzzer targets (tests/fuzz)
              libjpeg62-turbo-dev)
command -v node >/dev/null || apt_packages+=(nodejs npm)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Dear ImGui 1.92, a 2025 stb, and libwebp's and libjpeg-turbo's sources (for the WebAssembly build) come
# from Debian sid's *source* packages; bookworm has neither ImGui 1.92 nor stb_image_resize2.h.
sid_src=/etc/apt/sources.list.d/polylens-sid-src.sources
need_update=0
if [ ! -f "$sid_src" ]; then
  say "adding a deb-src entry for Debian sid (source packages only: imgui, libstb, libjpeg-turbo)"
  as_root tee "$sid_src" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  need_update=1
fi
# libdeflate's source (the PNG decoder's inflate) comes from bookworm: sid's pool answered 404 for it.
bookworm_src=/etc/apt/sources.list.d/polylens-bookworm-src.sources
if [ ! -f "$bookworm_src" ]; then
  say "adding a deb-src entry for Debian bookworm (source packages only: libdeflate)"
  as_root tee "$bookworm_src" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  need_update=1
fi
if [ ${#missing[@]} -gt 0 ] || [ "$need_update" = 1 ]; then
  say "apt-get update"
  as_root apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- Emscripten: the pin in emsdk-version.txt ------------------------------------------------
want_emsdk=$(tr -d '[:space:]' < "$here/emsdk-version.txt")
got_emsdk=$(emcc --version 2>/dev/null | head -n1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1 || true)
[ "$got_emsdk" = "$want_emsdk" ] ||
  die "emcc on PATH is '${got_emsdk:-missing}' ($(command -v emcc || echo none)) but emsdk-version.txt pins $want_emsdk"

# ---- Dear ImGui, stb, libwebp, libjpeg-turbo and libdeflate sources ------------------------------------
# fetch_source <debian source package> <version> <dest> [<sha256 of the .orig tarball>]
# <version> is either the full Debian version (1:3.1.3-4) or the upstream one of a "+ds-1" package.
fetch_source() {
  local pkg=$1 version=$2 dest=$3 orig_sha256=${4:-}
  [ -f "$dest/.polylens-version" ] && [ "$(cat "$dest/.polylens-version")" = "$version" ] && return 0
  say "fetching Debian source package $pkg $version"
  local work
  work=$(mktemp -d)
  (cd "$work" && apt-get source --download-only -qq "$pkg=$version" >/dev/null 2>&1) ||
    (cd "$work" && apt-get source --download-only -qq "$pkg=$version+ds-1" >/dev/null 2>&1) ||
    (cd "$work" && apt-get source --download-only -qq "$pkg" >/dev/null) ||
    die "apt-get source $pkg failed: is the deb-src entry in $sid_src reachable?"
  if [ -n "$orig_sha256" ]; then
    local got
    got=$(cd "$work" && sha256sum ./*.orig.tar.* | cut -c1-64)
    [ "$got" = "$orig_sha256" ] ||
      die "$pkg: the .orig tarball's SHA-256 is $got; scripts/versions.env pins $orig_sha256 (sid moved on? update the pin)"
  fi
  # dpkg-source checks every file against the checksums in the .dsc.
  (cd "$work" && dpkg-source -x --skip-patches ./*.dsc src >/dev/null 2>&1) || die "dpkg-source -x failed for $pkg"
  rm -rf "$dest" && mkdir -p "$(dirname "$dest")" && mv "$work/src" "$dest"
  echo "$version" > "$dest/.polylens-version"
  rm -rf "$work"
}
fetch_source imgui "$IMGUI_VERSION" "$deps_dir/imgui"
fetch_source libstb "$STB_VERSION" "$deps_dir/stb"
fetch_source libwebp "$LIBWEBP_VERSION$LIBWEBP_DEBIAN_REVISION" "$deps_dir/libwebp"
fetch_source libjpeg-turbo "$LIBJPEG_TURBO_VERSION" "$deps_dir/libjpeg-turbo" "$LIBJPEG_TURBO_ORIG_SHA256"
fetch_source libdeflate "$LIBDEFLATE_VERSION" "$deps_dir/libdeflate" "$LIBDEFLATE_ORIG_SHA256"
imgui_num=$(grep -oE 'define IMGUI_VERSION_NUM +[0-9]+' "$deps_dir/imgui/imgui.h" | grep -oE '[0-9]+$')
[ "${imgui_num:-0}" -ge "$IMGUI_MIN_VERSION_NUM" ] ||
  die "Dear ImGui in $deps_dir/imgui is version number ${imgui_num:-unknown}; Polylens needs >= $IMGUI_MIN_VERSION_NUM (1.92, dynamic font atlas). Delete $deps_dir/imgui and check the sid deb-src entry."
[ -f "$deps_dir/stb/stb_image_resize2.h" ] ||
  die "$deps_dir/stb has no stb_image_resize2.h: the libstb source package is older than 2023"
jpeg_upstream=${LIBJPEG_TURBO_VERSION#*:}; jpeg_upstream=${jpeg_upstream%-*}
grep -q "^set(VERSION $jpeg_upstream)" "$deps_dir/libjpeg-turbo/CMakeLists.txt" ||
  die "$deps_dir/libjpeg-turbo is not libjpeg-turbo $jpeg_upstream; delete it and run this script again"

deflate_upstream=${LIBDEFLATE_VERSION%-*}
grep -q "define LIBDEFLATE_VERSION_STRING[[:space:]]*\"$deflate_upstream\"" "$deps_dir/libdeflate/libdeflate.h" ||
  die "$deps_dir/libdeflate is not libdeflate $deflate_upstream; delete it and run this script again"

# fetch_source falls back to whatever sid has; the web build's libwebp file list (shared/libwebp_decoder.cmake)
# is written for the pinned release, so check the version the sources themselves declare.
webp_got=$(grep -hE '#define DEC_(MAJ|MIN|REV)_VERSION' "$deps_dir/libwebp/src/dec/vp8i_dec.h" | awk '{printf "%s%s", sep, $3; sep="."}')
[ "$webp_got" = "$LIBWEBP_VERSION" ] ||
  die "$deps_dir/libwebp holds libwebp ${webp_got:-unknown}, but scripts/versions.env pins $LIBWEBP_VERSION. Sid has moved on: check shared/libwebp_decoder.cmake against the new release, then update the pin (or delete $deps_dir/libwebp to fetch again)."

# hnswlib (header-only, for the embedded store's HNSW graphs) needs 0.7+ for its filter functor. Debian sid's
# source package comes first, like imgui and stb; when the mirror does not serve it (it answered 404 on
# this project's build machine), the npm package hnswlib-node, which bundles upstream hnswlib 0.8.0's
# headers unchanged, is fetched with npm pack and checked against its pinned checksum.
fetch_hnswlib() { # fetch_hnswlib <dest>
  local dest=$1 pin="debian:$HNSWLIB_DEBIAN_VERSION npm:$HNSWLIB_NODE_VERSION" work origin
  [ -f "$dest/hnswlib/hnswlib.h" ] && [ "$(head -n1 "$dest/.polylens-version" 2>/dev/null)" = "$pin" ] && return 0
  work=$(mktemp -d)
  if (cd "$work" && apt-get source --download-only -qq "hnswlib=$HNSWLIB_DEBIAN_VERSION" >/dev/null 2>&1 &&
      dpkg-source -x --skip-patches ./*.dsc src >/dev/null 2>&1) && [ -f "$work/src/hnswlib/hnswlib.h" ]; then
    origin="Debian source package hnswlib $HNSWLIB_DEBIAN_VERSION"
    mv "$work/src/hnswlib" "$work/headers"
  else
    say "Debian's hnswlib source is not reachable; taking hnswlib's headers from npm hnswlib-node $HNSWLIB_NODE_VERSION"
    (cd "$work" && npm pack --silent "hnswlib-node@$HNSWLIB_NODE_VERSION" >/dev/null) ||
      die "npm pack hnswlib-node@$HNSWLIB_NODE_VERSION failed"
    local got_sha
    got_sha=$(sha256sum "$work/hnswlib-node-$HNSWLIB_NODE_VERSION.tgz" | cut -c1-64)
    [ "$got_sha" = "$HNSWLIB_NODE_SHA256" ] ||
      die "checksum mismatch for hnswlib-node-$HNSWLIB_NODE_VERSION.tgz (got $got_sha, scripts/versions.env pins $HNSWLIB_NODE_SHA256)"
    tar -xzf "$work/hnswlib-node-$HNSWLIB_NODE_VERSION.tgz" -C "$work" package/src/hnswlib
    origin="hnswlib 0.8.0 headers bundled in npm hnswlib-node $HNSWLIB_NODE_VERSION"
    mv "$work/package/src/hnswlib" "$work/headers"
  fi
  grep -q 'class BaseFilterFunctor' "$work/headers/hnswlib.h" ||
    die "hnswlib from $origin has no BaseFilterFunctor (needs 0.7 or newer)"
  rm -rf "$dest" && mkdir -p "$dest" && mv "$work/headers" "$dest/hnswlib"
  printf '%s\n%s\n' "$pin" "$origin" > "$dest/.polylens-version"
  rm -rf "$work"
}
fetch_hnswlib "$deps_dir/hnswlib"
# nlohmann/json is header-only; the web build must not see /usr/include (glibc headers), so it gets
# a folder holding only this library.
mkdir -p "$deps_dir/include"
ln -sfn /usr/include/nlohmann "$deps_dir/include/nlohmann"

# ---- Playwright (driver only; the browser is Debian's chromium) ------------------------------
if [ ! -d "$here/tests/node_modules/playwright-core" ]; then
  say "npm ci in tests/ (playwright-core)"
  (cd "$here/tests" && npm ci --no-audit --no-fund --loglevel=error)
fi

# ---- Java and Elasticsearch -------------------------------------------------------------------
es_version=$(es_pick_version)
es_home=$(es_home_dir)
if [ ! -x "$es_home/bin/elasticsearch" ]; then
  if [ -z "$(java_for_es)" ]; then
    say "no Java 21+ JDK under /usr/lib/jvm: installing Debian's Java 17 for the Elasticsearch $ES_FALLBACK_VERSION fallback"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
  fi
  mkdir -p "$es_cache"; zip="$es_cache/elasticsearch-$es_version.zip"
  if [ ! -f "$zip" ]; then
    say "downloading Elasticsearch $es_version (integ-test-zip) from Maven Central"
    url="https://repo.maven.apache.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$es_version/elasticsearch-$es_version.zip"
    curl -fsSL --retry 3 -o "$zip.part" "$url" || die "could not download $url"
    if [ "$es_version" = "$ES_VERSION" ]; then
      got_sha=$(sha256sum "$zip.part" | cut -c1-64)
      [ "$got_sha" = "$ES_SHA256" ] || die "checksum mismatch for $url (got $got_sha, scripts/versions.env pins $ES_SHA256)"
    else
      say "WARNING: no pinned checksum for the fallback Elasticsearch $es_version; not verified"
    fi
    mv "$zip.part" "$zip"
  fi
  rm -rf "$es_home.part" && mkdir -p "$es_home.part"
  unzip -q "$zip" -d "$es_home.part"
  mv "$es_home.part/elasticsearch-$es_version" "$es_home" && rm -rf "$es_home.part"
fi
if [ "$(id -u)" -eq 0 ] && ! id -u "$es_user" >/dev/null 2>&1; then
  say "creating the unprivileged user '$es_user' (Elasticsearch refuses to run as root)"
  useradd --system --no-create-home --shell /usr/sbin/nologin "$es_user"
fi
say "setup complete (Elasticsearch $es_version, Dear ImGui $IMGUI_VERSION, libwebp $LIBWEBP_VERSION, emcc $got_emsdk)"
