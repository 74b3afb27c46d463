# Installs the build into a scratch prefix and checks that an operator gets the binary, the systemd unit
# (Type=notify, starting the installed jicofo.sh), the sysusers entry, the reference configuration and the
# dashboard and alert rules.
# Run as: cmake -DBUILD_DIR=... -DSCRATCH=... -DEXPECTED_START=... -P check_install.cmake
file(REMOVE_RECURSE ${SCRATCH})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${SCRATCH}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
foreach(path bin/jicofo lib/systemd/system/jicofo.service lib/sysusers.d/jicofo.conf
        share/jicofo/reference.conf share/jicofo/jicofo.conf.example share/jicofo/jicofo.sh share/doc/jicofo/configuration.md
        share/jicofo/monitoring/jicofo-dashboard.json share/jicofo/monitoring/jicofo-alerts.yml)
  if(NOT EXISTS ${SCRATCH}/${path})
    message(FATAL_ERROR "not installed: ${path}")
  endif()
endforeach()
file(READ ${SCRATCH}/lib/systemd/system/jicofo.service unit)
foreach(expected "Type=notify" "WatchdogSec=" "ExecStart=${EXPECTED_START}" "ExecReload=/bin/kill -HUP")
  string(FIND "${unit}" "${expected}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "jicofo.service lacks '${expected}':\n${unit}")
  endif()
endforeach()
file(REMOVE_RECURSE ${SCRATCH})
message(STATUS "install layout ok")
