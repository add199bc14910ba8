# Shared by scripts/run and scripts/test: install what is missing, configure and build.
# Idempotent: with everything installed and built it only asks ninja, which does nothing.

set -euo pipefail

FORGE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian/Ubuntu packages the build, the app and the tests need.
FORGE_BUILD_PACKAGES=(
    build-essential cmake ninja-build pkg-config git ca-certificates
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-websockets-dev
    qt6-webengine-dev qt6-webengine-dev-tools qt6-svg-dev libgl-dev libvulkan-dev
    qcoro-qt6-dev qtkeychain-qt6-dev libsecret-1-0
)
# bubblewrap isolates repository code; pasta (passt) gives each sandbox a network of its own.
FORGE_RUNTIME_PACKAGES=(bubblewrap passt fonts-dejavu-core)
# clang-tidy: scripts/tidy, which CI runs after the tests.
FORGE_TEST_PACKAGES=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools clang-tidy)
# scripts/package: CPack's dependency computation (dpkg-shlibdeps), the package checks, and the
# fresh Debian root that --verify installs the .deb into.
FORGE_PACKAGE_PACKAGES=(dpkg-dev file lintian desktop-file-utils appstream debootstrap)
# scripts/fuzz: clang with libFuzzer and the sanitizer runtimes.
FORGE_FUZZ_PACKAGES=(clang libclang-rt-dev)

forge_log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
forge_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

forge_missing_packages() {
    local package missing=()
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] || printf '%s\n' "${missing[@]}"
}

# Installs the given Debian packages when they are missing; on other systems says what to install.
forge_install_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        forge_log "This is not a Debian/Ubuntu system. Install these (or your system's equivalents) and run again:"
        printf '  %s\n' "$@" Node.js npm >&2
        return 0
    fi
    local missing
    mapfile -t missing < <(forge_missing_packages "$@")
    # Node.js and npm: any installation on PATH will do (Debian's, NodeSource's, nvm's).
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    [ "${#missing[@]}" -eq 0 ] && return 0

    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || forge_die "missing packages (${missing[*]}) and no sudo: install them as root"
        sudo=(sudo)
    fi
    forge_log "Installing: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Configures (once) and builds the given preset.
forge_build() {
    local preset="$1"
    cd "$FORGE_ROOT"
    if [ ! -f "build/$preset/build.ninja" ]; then
        forge_log "Configuring ($preset)"
        cmake --preset "$preset" >/dev/null
    fi
    forge_log "Building ($preset)"
    cmake --build --preset "$preset" -- -j"$(nproc)"
}

# Fetches the real npm tarballs the tool-cache tests unpack (tests/support/registry/test-tarballs.txt)
# into build/test-tarballs/ with `npm pack`, each only when missing. Needs the npm registry
# (npm_config_registry is honoured); the tests say to run this when a tarball is not there.
forge_fetch_test_tarballs() {
    local list="$FORGE_ROOT/tests/support/registry/test-tarballs.txt"
    local destination="$FORGE_ROOT/build/test-tarballs"
    local spec file
    mkdir -p "$destination"
    while read -r spec; do
        spec="${spec%%#*}"
        spec="${spec//[[:space:]]/}"
        [ -n "$spec" ] || continue
        # npm pack names "@scope/name@1.2.3" scope-name-1.2.3.tgz.
        file="${spec#@}"
        file="${file/\//-}"
        file="${file%@*}-${spec##*@}.tgz"
        [ -f "$destination/$file" ] && continue
        forge_log "Fetching the test tarball $spec"
        (cd "$destination" && npm pack --silent --pack-destination "$destination" "$spec" >/dev/null) ||
            forge_die "npm pack $spec failed: the tool-cache tests need it (is the npm registry reachable?)"
    done <"$list"
}
