#!/usr/bin/env bash
# scripts/package --verify: installs the .deb into a Debian 12 root that has never seen the source
# and runs it there, from the installed files only.
#   verify-deb.sh <package.deb> <work dir>
# The root comes from debootstrap (minbase, the host's mirror); apt resolves the package's
# dependencies from the same archives as the host's. Inside: `forge-preview --version`,
# `forge-preview-cli --version`, and `forge-preview-cli preview` of the Express fixture until it
# answers (npm ci from the npm registry, the dev server, an HTTP 200).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

deb="$(realpath "${1:?usage: verify-deb.sh <package.deb> <work dir>}")"
work="${2:?usage: verify-deb.sh <package.deb> <work dir>}"
root="$work/root"
base_tarball="$work/debootstrap-bookworm.tar"

mkdir -p "$work"
rm -rf "$root"
mkdir -p "$root"

# The host's Debian mirror (deb822 or one-line sources), else Debian's own.
mirror="$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}' || true)"
[ -n "$mirror" ] || mirror="$(grep -hoE '^deb +(\[[^]]*\] +)?https?://\S+' /etc/apt/sources.list 2>/dev/null |
    head -1 | awk '{print $NF}' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

# A base root is kept as a tarball next to the packages, so a second verification on this machine
# skips debootstrap (CI starts without one).
if [ -f "$base_tarball" ]; then
    forge_log "Unpacking the Debian 12 root made earlier ($base_tarball)"
    tar -xf "$base_tarball" -C "$root"
else
    forge_log "Making a fresh Debian 12 root with debootstrap ($mirror)"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
        { tail -20 "$work/debootstrap.log" >&2; forge_die "debootstrap failed (log: $work/debootstrap.log)"; }
    tar -cf "$base_tarball" -C "$root" .
fi

# The host's package sources (main, updates, security), so apt finds the library versions the
# package was built against.
rm -f "$root/etc/apt/sources.list"
if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/"
fi
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
[ -s "$root/etc/apt/sources.list" ] || compgen -G "$root/etc/apt/sources.list.d/*.sources" >/dev/null ||
    echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# This machine's own trust settings, like its DNS: certificate authorities it added (a company
# proxy's, say) and the CA file its npm is told to use. Without them npm inside cannot reach the
# registry where the host's npm can.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
host_npm_cafile="$(npm config get cafile 2>/dev/null || true)"

# The root is entered with bubblewrap (as root: a mount namespace and pivot_root, no user
# namespace), not chroot: a chrooted process may not create user namespaces, so Forge Preview's
# own bubblewrap sandboxes could not start inside. The host's /proc and /dev are bound, not made
# anew: the kernel lets the inner bubblewrap mount a proc only where a whole one is visible.
in_root() {
    bwrap --bind "$root" / --dev-bind /dev /dev --bind /proc /proc --die-with-parent --clearenv \
        --setenv PATH /usr/sbin:/usr/bin:/sbin:/bin --setenv HOME /root --setenv LANG C.UTF-8 "$@"
}

forge_log "Installing $(basename "$deb") with apt (dependencies and recommendations resolved by apt)"
cp "$deb" "$root/tmp/"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$(basename "$deb")" \
    >"$work/apt-install.log" 2>&1 || { tail -30 "$work/apt-install.log" >&2; forge_die "apt could not install the package"; }
in_root dpkg -s forge-preview | grep -E '^(Status|Version):'
in_root update-ca-certificates >/dev/null
if [ -n "$host_npm_cafile" ] && [ "$host_npm_cafile" != "null" ] && [ -f "$root$host_npm_cafile" ]; then
    echo "cafile=$host_npm_cafile" >>"$root/etc/npmrc"
fi

forge_log "Running the installed programs"
gui_version="$(in_root forge-preview --version)"
cli_version="$(in_root forge-preview-cli --version)"
echo "forge-preview --version: $gui_version"
echo "forge-preview-cli --version: $cli_version"
[[ "$gui_version" =~ ^forge-preview\ [0-9]+\.[0-9]+\.[0-9]+ ]] || forge_die "forge-preview --version said: $gui_version"
[[ "$cli_version" == *[0-9].[0-9]* ]] || forge_die "forge-preview-cli --version said: $cli_version"
in_root forge-preview --help | grep -q -- '--open' || forge_die "forge-preview --help does not list --open"
[ -x "$root/usr/lib/qt6/libexec/QtWebEngineProcess" ] || forge_die "the WebEngine helper process was not installed"

# The fixture becomes a git repository inside the root; the CLI previews it by path.
fixture=/tmp/express-app
cp -r "$FORGE_ROOT/tests/fixtures/projects/express-app" "$root$fixture"
in_root git -C "$fixture" init -q -b main
in_root git -C "$fixture" add -A
in_root git -C "$fixture" -c user.name=Forge -c user.email=forge@localhost commit -q -m fixture
forge_log "Previewing the Express fixture with the installed forge-preview-cli"
if ! in_root forge-preview-cli preview "$fixture" --exit-when-ready --ready-timeout 300 \
    >"$work/cli-preview.log" 2>&1; then
    cat "$work/cli-preview.log" >&2
    forge_die "the installed forge-preview-cli could not preview the fixture (log: $work/cli-preview.log)"
fi
cat "$work/cli-preview.log"
# Isolation fails closed, so a preview that got ready ran in bubblewrap with pasta's network, both
# pulled in by the package's recommendations.
grep -q 'Preview ready: http://' "$work/cli-preview.log" || forge_die "the CLI did not print a preview URL"
forge_log "Verified: $(basename "$deb") installs on a fresh Debian 12 and runs from its installed files."
