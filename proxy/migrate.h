// `polylens migrate --from embedded --to elasticsearch` (or back): copies every document with its
// metadata, thumbnail and vectors from one store to the other, without calling the embedder.
// Resumable: ids the target already holds are skipped, so an interrupted run is simply run again.
#pragma once
#include "config.h"

namespace polylens {

// Returns the process exit code: 0 when the target holds every document of the source.
int migrate_run(const config& settings);

}  // namespace polylens
