# The Debian package (CPack's DEB generator): `scripts/package.sh` configures a release build with
# -DJICOFO_PACKAGE=ON and runs cpack. The package is named jicofo-native and Provides/Conflicts/Replaces jicofo
# (docs/configuration.md, "Installing the package", says why not the name jicofo). Its maintainer scripts, debconf
# templates and files under /etc are in packaging/.

# Debian 12 keeps units and sysusers.d entries in /lib; the package's files are installed there.
set(JICOFO_SYSTEM_LIB_DIR /lib)

set(_pkg ${CMAKE_SOURCE_DIR}/packaging)
install(FILES ${_pkg}/logging.properties DESTINATION /etc/jitsi/jicofo)
install(FILES ${_pkg}/jicofo.logrotate DESTINATION /etc/logrotate.d RENAME jicofo)

# Upstream version <major>.<minor>.<commits>+g<hash>: the commit count grows with every build, so that an upgrade
# compares newer (the revision, -1 by default, is for rebuilds of the same source).
set(JICOFO_PACKAGE_VERSION "${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}.0")
if(_jicofo_commits AND _jicofo_hash)
  set(JICOFO_PACKAGE_VERSION "${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}.${_jicofo_commits}+g${_jicofo_hash}")
endif()
set(JICOFO_PACKAGE_REVISION "1" CACHE STRING "Debian revision of the package")
set(JICOFO_PACKAGE_MAINTAINER "jicofo-native packagers <packagers@example.org>" CACHE STRING "Package maintainer")
set(JICOFO_PACKAGE_FULL_VERSION "${JICOFO_PACKAGE_VERSION}-${JICOFO_PACKAGE_REVISION}")
string(TIMESTAMP JICOFO_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)

# changelog.Debian.gz and copyright, as Debian policy wants them in every package.
set(_doc_dir /usr/share/doc/jicofo-native)
configure_file(${_pkg}/debian/changelog ${CMAKE_BINARY_DIR}/debian/changelog.Debian @ONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz
                   COMMAND gzip -n -9 -f -k ${CMAKE_BINARY_DIR}/debian/changelog.Debian
                   DEPENDS ${CMAKE_BINARY_DIR}/debian/changelog.Debian)
add_custom_target(package_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz)
install(FILES ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz ${_pkg}/debian/copyright DESTINATION ${_doc_dir})
configure_file(${_pkg}/jicofo.1 ${CMAKE_BINARY_DIR}/debian/jicofo.1 COPYONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/debian/jicofo.1.gz
                   COMMAND gzip -n -9 -f -k ${CMAKE_BINARY_DIR}/debian/jicofo.1
                   DEPENDS ${CMAKE_BINARY_DIR}/debian/jicofo.1)
add_custom_target(package_manpage ALL DEPENDS ${CMAKE_BINARY_DIR}/debian/jicofo.1.gz)
install(FILES ${CMAKE_BINARY_DIR}/debian/jicofo.1.gz DESTINATION /usr/share/man/man1)
install(FILES ${_pkg}/debian/lintian-overrides DESTINATION /usr/share/lintian/overrides RENAME jicofo-native)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME jicofo-native)
set(CPACK_PACKAGE_VERSION ${JICOFO_PACKAGE_VERSION})
set(CPACK_PACKAGE_CONTACT "${JICOFO_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Jitsi Meet conference focus, native drop-in for jicofo")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "A C++ implementation of Jicofo, the conference focus of Jitsi Meet: it\n"
    "reads the same jicofo.conf, sip-communicator.properties and\n"
    "logging.properties, talks the same XMPP and REST protocols and installs\n"
    "the same files, so that it replaces the jicofo package without other\n"
    "changes.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${JICOFO_PACKAGE_REVISION})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://jitsi.org/meet")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The maintainer scripts use debconf, passwd's user tools and ps (deb-systemd-helper is in init-system-helpers, which
# is essential); the libraries come from dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "debconf (>= 0.5) | debconf-2.0, passwd, procps")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "logrotate")
set(CPACK_DEBIAN_PACKAGE_PROVIDES jicofo)
set(CPACK_DEBIAN_PACKAGE_CONFLICTS jicofo)
set(CPACK_DEBIAN_PACKAGE_REPLACES jicofo)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_pkg}/debian/config ${_pkg}/debian/templates ${_pkg}/debian/postinst ${_pkg}/debian/prerm
    ${_pkg}/debian/postrm ${_pkg}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/deb-work)
include(CPack)
