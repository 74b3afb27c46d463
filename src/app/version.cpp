// The build's version, given to this one file by CMake so that a new commit recompiles nothing else.
#include "jicofo/app/version.hpp"

namespace jicofo::app {

const std::string& version() {
    static const std::string kVersion = JICOFO_VERSION;
    return kVersion;
}

}  // namespace jicofo::app
