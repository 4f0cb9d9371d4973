#include "migrate.h"

#include <algorithm>
#include <memory>

#include "log.h"
#include "matryoshka.h"
#include "progress_bar.h"
#include "vector_store.h"

namespace polylens {

namespace {

constexpr std::size_t page_size = 200;

result<std::unique_ptr<vector_store>> open_side(const config& settings, const std::string& kind) {
  config side = settings;
  side.backend = kind;
  return vector_store_open(side);
}

// A field the source does not have (the target was configured with more sizes) is cut from the
// largest vector the document has: a Matryoshka prefix, renormalised, which is what indexing would
// have stored.
std::string fill_missing_fields(image_document& doc, const std::vector<vector_field>& fields) {
  for (const auto& f : fields) {
    if (doc.vectors.count(f.dims)) continue;
    auto largest = doc.vectors.rbegin();
    if (largest == doc.vectors.rend() || largest->first < f.dims)
      return "the image '" + doc.id + "' has no vector of " + std::to_string(f.dims) + " dims or more to cut " +
             f.name() + " from";
    doc.vectors[f.dims] = matryoshka_truncate(largest->second, f.dims);
  }
  for (auto it = doc.vectors.begin(); it != doc.vectors.end();)  // the target keeps only its fields
    it = std::any_of(fields.begin(), fields.end(), [&](const vector_field& f) { return f.dims == it->first; })
             ? std::next(it)
             : doc.vectors.erase(it);
  return "";
}

int stop(const api_error& error, progress_bar* bar = nullptr) {
  if (bar) bar->finish();
  log_error(error.message);
  return 1;
}

}  // namespace

int migrate_run(const config& settings) {
  auto source = open_side(settings, settings.migrate_from);
  if (!source) return stop(source.error());
  auto target = open_side(settings, settings.migrate_to);
  if (!target) return stop(target.error());
  vector_store& from = **source;
  vector_store& to = **target;

  auto total = from.count();
  if (!total) return stop(total.error());
  if (auto created = to.ensure_index(); !created) return stop(created.error());
  log_info("migrating", {{"from", from.kind()}, {"from_at", from.url_for_display()}, {"to", to.kind()},
                         {"to_at", to.url_for_display()}, {"documents", *total}});

  progress_bar bar(static_cast<std::size_t>(*total), "doc");
  std::size_t done = 0, copied = 0, present = 0, failed = 0;
  std::string after;
  while (true) {
    auto page = from.documents_after(after, page_size);
    if (!page) return stop(page.error(), &bar);
    if (page->empty()) break;
    after = page->back().id;

    std::vector<std::string> ids;
    for (const auto& d : *page) ids.push_back(d.id);
    auto existing = to.existing_ids(ids);
    if (!existing) return stop(existing.error(), &bar);
    std::vector<image_document> todo;
    for (auto& d : *page) {
      if (existing->count(d.id)) {
        ++present;
        continue;
      }
      if (std::string problem = fill_missing_fields(d, settings.fields); !problem.empty()) {
        ++failed;
        log_error("not migrated", {{"id", d.id}, {"reason", problem}});
        continue;
      }
      todo.push_back(std::move(d));
    }
    if (!todo.empty()) {
      auto stored = to.bulk_index(todo, false);
      if (!stored) return stop(stored.error(), &bar);
      for (const auto& o : *stored) {
        if (o.error.empty()) ++copied;
        else {
          ++failed;
          log_error("not migrated", {{"id", o.id}, {"reason", o.error}});
        }
      }
    }
    done += page->size();
    bar.update(done, copied, "copied " + std::to_string(copied) + "  already there " + std::to_string(present) +
                                 "  failed " + std::to_string(failed));
  }
  bar.finish();

  // The counts are checked, not assumed: the target must hold at least every source document.
  if (auto refreshed = to.refresh(); !refreshed) return stop(refreshed.error());
  auto source_count = from.count();
  auto target_count = to.count();
  if (!source_count || !target_count)
    return stop(!source_count ? source_count.error() : target_count.error());
  bool complete = failed == 0 && *target_count >= *source_count;
  (complete ? log_info : log_error)(complete ? "migration finished" : "migration incomplete: run it again",
                                    {{"copied", copied}, {"already_there", present}, {"failed", failed},
                                     {"source_documents", *source_count}, {"target_documents", *target_count}});
  return complete ? 0 : 1;
}

}  // namespace polylens
