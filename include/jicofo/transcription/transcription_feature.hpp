// Transcription on the bridge as a feature: while the room metadata asks for it (recording.isTranscribingEnabled
// with asyncTranscription), the conference's media layer keeps a colibri2 transcriber connect to
// jicofo.transcription.url-template on one of its bridges, and the focus publishes the `audio-recording-enabled`
// conference property; when the metadata no longer asks, the connect is expired. Live translation too: the
// metadata's audioTranslationRequests go to the media layer (ConferenceMedia::set_translation) with the translator
// connects jicofo.translation gives for them.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::transcription {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"transcription", &install};

}  // namespace jicofo::transcription
