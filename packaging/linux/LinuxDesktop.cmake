# Linux desktop integration, installed under the prefix (/usr in the .deb): the .desktop file (which
# also registers the forge-preview:// link scheme), AppStream metadata, hicolor icons, man pages and
# the Debian documentation files.
set(desktop_file ${CMAKE_CURRENT_BINARY_DIR}/${FORGE_APP_ID}.desktop)
set(metainfo_file ${CMAKE_CURRENT_BINARY_DIR}/${FORGE_APP_ID}.metainfo.xml)
configure_file(linux/app.desktop.in ${desktop_file} @ONLY)
configure_file(linux/app.metainfo.xml.in ${metainfo_file} @ONLY)
install(FILES ${desktop_file} DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${metainfo_file} DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${FORGE_ICON_SVG} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
        RENAME ${FORGE_APP_ID}.svg)
install(DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/icons/hicolor DESTINATION ${CMAKE_INSTALL_DATADIR}/icons)

# Compressed without a timestamp (gzip -n), as Debian wants: the same input, the same bytes.
find_program(FORGE_GZIP gzip REQUIRED)
set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/forge-preview)
configure_file(linux/changelog.Debian.in ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian @ONLY)
set(gzipped ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian.gz)
foreach(page forge-preview.1 forge-preview-cli.1)
    configure_file(linux/${page}.in ${CMAKE_CURRENT_BINARY_DIR}/man/${page} @ONLY)
    list(APPEND gzipped ${CMAKE_CURRENT_BINARY_DIR}/man/${page}.gz)
endforeach()
foreach(output IN LISTS gzipped)
    string(REGEX REPLACE "\\.gz$" "" input ${output})
    add_custom_command(OUTPUT ${output}
        COMMAND ${FORGE_GZIP} -9 -n -c ${input} > ${output}
        DEPENDS ${input}
        VERBATIM)
endforeach()
add_custom_target(forge_linux_docs ALL DEPENDS ${gzipped})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian.gz linux/copyright DESTINATION ${doc_dir})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/man/forge-preview.1.gz ${CMAKE_CURRENT_BINARY_DIR}/man/forge-preview-cli.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
