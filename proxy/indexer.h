// `polylens index <folder>`: embed every image of a folder once and store it with its metadata.
// Re-running is cheap: images already in the index (same content hash) are not embedded again.
#pragma once
#include "config.h"

namespace polylens {

// Returns the process exit code: 0 when every image is in the index, 1 otherwise.
int indexer_run(const config& settings);

}  // namespace polylens
