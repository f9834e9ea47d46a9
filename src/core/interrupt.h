// Cooperative interruption: SIGINT / SIGTERM set a flag that long-running work polls at safe
// points (between training steps, between batches) so it can save a checkpoint and stop
// cleanly. A second SIGINT restores the default action (the next one kills the process).
//
//   bertq::install_interrupt_handlers();
//   for (...) { if (bertq::interrupt_requested()) { save(); throw_if_interrupted(); } }
#pragma once

namespace bertq {

void install_interrupt_handlers();
bool interrupt_requested();
// Throws Error(INTERRUPTED) if a signal arrived.
void throw_if_interrupted(const char* what = "work");
// For tests: set or clear the flag as if a signal had arrived.
void set_interrupt_requested(bool value);

}  // namespace bertq
