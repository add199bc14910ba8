# Windows: a GUI-subsystem executable, Qt's DLLs and plugins next to it (windeployqt through Qt's
# deploy script), and an NSIS installer that registers the forge-preview:// link scheme.
if(Qt6_VERSION VERSION_LESS 6.5)
    message(FATAL_ERROR "Windows packages need Qt 6.5 or newer (qt_generate_deploy_app_script with OUTPUT_SCRIPT).")
endif()
set_target_properties(forge-preview PROPERTIES WIN32_EXECUTABLE ON)

qt_generate_deploy_app_script(TARGET forge-preview OUTPUT_SCRIPT forge_deploy_gui NO_TRANSLATIONS)
qt_generate_deploy_app_script(TARGET forge-preview-cli OUTPUT_SCRIPT forge_deploy_cli NO_TRANSLATIONS)
install(SCRIPT ${forge_deploy_gui})
install(SCRIPT ${forge_deploy_cli})

set(CPACK_NSIS_DISPLAY_NAME "Forge Preview")
set(CPACK_NSIS_PACKAGE_NAME "Forge Preview")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\forge-preview.exe")
# "forge-preview://…" opens the installed app (HKCU: no administrator rights needed for the scheme).
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS [=[
  WriteRegStr HKCU "Software\Classes\forge-preview" "" "URL:Forge Preview link"
  WriteRegStr HKCU "Software\Classes\forge-preview" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\forge-preview\DefaultIcon" "" "$INSTDIR\bin\forge-preview.exe,0"
  WriteRegStr HKCU "Software\Classes\forge-preview\shell\open\command" "" '"$INSTDIR\bin\forge-preview.exe" "%1"'
]=])
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS [=[
  DeleteRegKey HKCU "Software\Classes\forge-preview"
]=])
