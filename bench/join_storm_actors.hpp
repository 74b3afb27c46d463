// The join storm's load actors, each set run by one worker process on one libstrophe context: the emulated bridges
// (brewery presence, health checks, colibri2 answers) and a share of the emulated participants.
#pragma once

#include "join_storm_plan.hpp"

#include <csignal>

namespace jicofo::bench {

// Connects plan.bridges bridges (jvb1..jvbK on the auth domain), joins them to the brewery and answers the focus
// until *stop is set; writes one byte to ready_fd once every bridge has been health-checked, then, when stopped,
// its records to plan.bridge_results(). Returns the process exit code.
int run_bridges(const StormPlan& plan, int ready_fd, const volatile std::sig_atomic_t* stop);

// Runs the participants whose index % plan.workers == worker: each joins at plan.join_at(index) and leaves at
// plan.leave_at(index); the records go to plan.participant_results(worker). Returns the process exit code.
int run_participants(const StormPlan& plan, int worker);

}  // namespace jicofo::bench
