// The conference features this focus runs, in installation order.
#pragma once

#include "jicofo/feature/feature.hpp"

#include <span>

namespace jicofo::app {

[[nodiscard]] std::span<const feature::Feature> feature_list();

}  // namespace jicofo::app
