#pragma once
// Worker threads of the GUI yield to the GUI thread: engine work runs at a lower scheduling
// priority (on Linux a nice value 5 above the process's, per thread; threads the job starts
// inherit it), so the event loop stays responsive (no stall over 50 ms) while a job keeps every
// core busy. Elsewhere it does nothing.

namespace embtune::gui {

// Lowers the calling thread's priority once; later calls on the same thread do nothing.
// Call it first thing in a worker job. Never call it on the GUI thread.
void yieldToGuiThread();

} // namespace embtune::gui
