# The version reported by --version and /about/version: "<major>.<minor>-<commits>-g<hash>" from git when the
# source is a checkout, as Jitsi's packages number their builds; otherwise the project version.
set(JICOFO_VERSION_STRING "${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-list --count HEAD
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE _jicofo_commits
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _jicofo_git_rc)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=7 HEAD
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE _jicofo_hash
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_jicofo_git_rc EQUAL 0 AND _jicofo_commits AND _jicofo_hash)
    set(JICOFO_VERSION_STRING "${JICOFO_VERSION_STRING}-${_jicofo_commits}-g${_jicofo_hash}")
  endif()
endif()
if(DEFINED JICOFO_VERSION_OVERRIDE)
  set(JICOFO_VERSION_STRING "${JICOFO_VERSION_OVERRIDE}")
endif()
message(STATUS "jicofo version ${JICOFO_VERSION_STRING}")
