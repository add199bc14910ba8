# CPack: `cpack` in a configured build directory makes the packages for this system
# (scripts/package does it for Linux).
set(CPACK_PACKAGE_NAME "forge-preview")
set(CPACK_PACKAGE_VENDOR "The Forge Preview developers")
# The project has no website or mail domain of its own: ".invalid" says so (RFC 2606) where
# Debian requires an address.
set(CPACK_PACKAGE_CONTACT "The Forge Preview developers <developers@forge-preview.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Turn a Git repository into a live preview")
# Debian shows the long description as written: lines under 80 characters.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
    "Forge Preview clones a Git repository into a sandbox (on this computer,"
    "isolated with bubblewrap, or in Daytona's cloud), detects the framework,"
    "installs the dependencies, starts the dev server and shows the running app"
    "beside a step-by-step build log."
    "."
    "The package holds the desktop app forge-preview and the command-line"
    "program forge-preview-cli.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Forge Preview")
set(CPACK_PACKAGE_EXECUTABLES "forge-preview" "Forge Preview")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/packages)
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/")

if(WIN32)
    set(CPACK_GENERATOR "NSIS;ZIP")
elseif(APPLE)
    set(CPACK_GENERATOR "DragNDrop")
    set(CPACK_DMG_VOLUME_NAME "Forge Preview")
else()
    set(CPACK_GENERATOR "DEB;TGZ")
endif()

# Debian: the shared libraries' packages are found by dpkg-shlibdeps from the binaries; what the
# binaries load at run time without linking it (Qt plugins, the WebEngine helper process, git and
# the sandbox tools) is listed here.
set(CPACK_DEBIAN_PACKAGE_RELEASE ${FORGE_DEBIAN_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "git, ca-certificates, libqt6sql6-sqlite, libqt6webenginecore6-bin")
# Local sandboxes need bubblewrap, pasta (passt: their network) and Node.js; previews on Daytona need
# none of them. The keychain is any Secret Service (GNOME Keyring, KeePassXC, KWallet 5.97+).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bubblewrap, passt, nodejs, npm, gnome-keyring | keepassxc | kwalletmanager, fonts-dejavu-core")

# The .tar.gz unpacks into forge-preview-<version>-Linux/{bin,share}.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

include(CPack)
