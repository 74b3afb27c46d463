// The feature list: adding a conference feature is its folder and one line here (and its library in CMake).
#include "jicofo/app/features.hpp"

#include "jicofo/jingle/jingle_feature.hpp"
#include "jicofo/mute/mute_feature.hpp"

#include <array>

namespace jicofo::app {

std::span<const feature::Feature> feature_list() {
    static constexpr std::array kFeatures{
        jingle::kFeature,
        mute::kFeature,
    };
    return kFeatures;
}

}  // namespace jicofo::app
