#pragma once
// Crash-safe file writes: the content goes to "<path>.tmp-<pid>", is fsync'ed, renamed over
// `path`, and the folder is fsync'ed, so after a crash `path` holds either the old or the whole
// new content, never a part.

#include "core/error.h"
#include "core/matrix.h"

#include <string>

namespace embtune::app {

// Writes `content` durably to `path` (the folder must exist).
engine::Status writeFileDurably(const std::string &path, const std::string &content);

// Writes a rows x cols float32 matrix as .npy v1.0 durably to `path`.
engine::Status writeNpyDurably(const std::string &path, engine::ConstMatrixMap matrix);
// The same for any matrix, a derived one streamed by blocks (engine::writeNpyMatrix).
engine::Status writeNpyDurably(const std::string &path, const engine::FloatMatrix &matrix);

} // namespace embtune::app
