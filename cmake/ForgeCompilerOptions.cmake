# Compiler options shared by every Forge Preview target: strict warnings, Qt's strict string
# handling (no implicit ASCII casts, no implicit QUrl from QString) and, on request, sanitizers.

add_library(forge_options INTERFACE)
add_library(Forge::Options ALIAS forge_options)

if(MSVC)
    # The Windows package build (.github/workflows/packages.yml).
    target_compile_options(forge_options INTERFACE /W4 /permissive- /Zc:__cplusplus /utf-8)
    if(FORGE_WERROR)
        target_compile_options(forge_options INTERFACE /WX)
    endif()
else()
    target_compile_options(forge_options INTERFACE
        -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
        -Wformat=2 -Wimplicit-fallthrough)
    if(FORGE_WERROR)
        target_compile_options(forge_options INTERFACE -Werror)
    endif()
endif()

target_compile_definitions(forge_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    QT_DISABLE_DEPRECATED_BEFORE=0x060400)

if(FORGE_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "FORGE_FUZZ needs clang's libFuzzer: configure with the fuzz preset "
                            "(CMAKE_CXX_COMPILER=clang++; Debian: clang libclang-rt-dev)")
    endif()
    # Coverage for libFuzzer in every Forge library the targets link; the fuzz programs add
    # -fsanitize=fuzzer for libFuzzer's main (tests/fuzz/CMakeLists.txt).
    # Without -fsanitize=function: clang 14 cannot emit its prologue data for coroutines ("Cannot
    # represent a difference across sections").
    target_compile_options(forge_options INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(forge_options INTERFACE -fsanitize=address,undefined)
elseif(FORGE_SANITIZE)
    target_compile_options(forge_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(forge_options INTERFACE -fsanitize=address,undefined)
endif()
