// The version of this build, as reported by --version, /about/version and the version metric.
#pragma once

#include <string>

namespace jicofo::app {

// "<major>.<minor>-<commits>-g<hash>" for a build from a git checkout, else "<major>.<minor>".
const std::string& version();

}  // namespace jicofo::app
