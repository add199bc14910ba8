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
unmount_all() {
    local mount
    for mount in "$root/dev/pts" "$root/dev" "$root/proc" "$root/sys"; do
        mountpoint -q "$mount" && umount -l "$mount"
    done
    return 0
}
trap unmount_all EXIT
unmount_all
rm -rf "$root"
mkdir -p "$root"

# The host's Debian mirror (deb822 or one-line sources), else Debian's own.
mirror="$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')"
[ -n "$mirror" ] || mirror="$(grep -hoE '^deb +(\[[^]]*\] +)?https?://\S+' /etc/apt/sources.list 2>/dev/null |
    head -1 | awk '{print $NF}')"
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
mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts" 2>/dev/null || true
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

forge_log "Installing $(basename "$deb") with apt (dependencies and recommendations resolved by apt)"
cp "$deb" "$root/tmp/"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$(basename "$deb")" \
    >"$work/apt-install.log" 2>&1 || { tail -30 "$work/apt-install.log" >&2; forge_die "apt could not install the package"; }
in_root dpkg -s forge-preview | grep -E '^(Status|Version):'

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
grep -q 'http://' "$work/cli-preview.log" || forge_die "the CLI did not print a preview URL"
forge_log "Verified: $(basename "$deb") installs on a fresh Debian 12 and runs from its installed files."
