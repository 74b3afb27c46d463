# Warning flags and sanitizers applied to every target of ours through an interface library.
add_library(jicofo_build_flags INTERFACE)
target_compile_options(jicofo_build_flags INTERFACE -Wall -Wextra -Wpedantic)
if(JICOFO_WERROR)
  target_compile_options(jicofo_build_flags INTERFACE -Werror)
endif()
if(JICOFO_SANITIZE)
  target_compile_options(jicofo_build_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                      -fno-sanitize-recover=undefined)
  target_link_options(jicofo_build_flags INTERFACE -fsanitize=address,undefined)
endif()
if(JICOFO_TSAN)
  if(JICOFO_SANITIZE)
    message(FATAL_ERROR "JICOFO_TSAN and JICOFO_SANITIZE (ASan) cannot be combined")
  endif()
  # -O1: ThreadSanitizer slows code 5-15x; unoptimised on top of that the integration tests' deadlines would bite.
  # -Wno-tsan: GCC warns that ThreadSanitizer does not model atomic_thread_fence, which Asio's reference counts and
  # fenced blocks use; where that makes a false report, tests/tsan.supp names the Asio frame and why.
  target_compile_options(jicofo_build_flags INTERFACE -fsanitize=thread -fno-omit-frame-pointer -O1 -Wno-tsan)
  target_link_options(jicofo_build_flags INTERFACE -fsanitize=thread)
endif()
