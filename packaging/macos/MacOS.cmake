# macOS: an application bundle whose Info.plist registers the forge-preview:// link scheme, Qt's
# frameworks and plugins inside it (macdeployqt through Qt's deploy script), and a disk image.
if(Qt6_VERSION VERSION_LESS 6.5)
    message(FATAL_ERROR "macOS packages need Qt 6.5 or newer (qt_generate_deploy_app_script with OUTPUT_SCRIPT).")
endif()
set_target_properties(forge-preview PROPERTIES
    MACOSX_BUNDLE ON
    MACOSX_BUNDLE_GUI_IDENTIFIER ${FORGE_APP_ID}
    MACOSX_BUNDLE_BUNDLE_NAME "Forge Preview"
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_SOURCE_DIR}/macos/Info.plist.in)
# The command-line program lives inside the bundle, next to the app, so one deployment serves both.
install(TARGETS forge-preview-cli RUNTIME DESTINATION forge-preview.app/Contents/MacOS)

qt_generate_deploy_app_script(TARGET forge-preview OUTPUT_SCRIPT forge_deploy_gui
    DEPLOY_TOOL_OPTIONS "-executable=forge-preview.app/Contents/MacOS/forge-preview-cli")
install(SCRIPT ${forge_deploy_gui})
