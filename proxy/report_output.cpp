// The report's three outputs: JSON (for scripts and tests), a text table (for a terminal) and
// markdown (for docs/index-size-quality.md). All three print the same figures from report_data.
#include <cstdio>
#include <sstream>

#include "report.h"

namespace polylens {

namespace {

using nlohmann::json;

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string thousands(long long v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

double per_doc(long long bytes, long long documents) { return documents ? double(bytes) / double(documents) : 0.0; }

// What a kNN search reads: the quantised copy and the graph for quantised types (the floats only
// for rescoring, when asked), the floats and the graph otherwise. Everything else stays on disk.
long long working_set(const vector_field_storage& s) {
  return (s.quantised_bytes > 0 ? s.quantised_bytes : s.raw_bytes) + s.graph_bytes;
}

double rescore_oversample(const report_row& row) {
  const json& o = row.index_options;
  if (o.is_object() && o.contains("rescore_vector") && o["rescore_vector"].is_object())
    return o["rescore_vector"].value("oversample", 0.0);
  return 0;
}

std::string oversample_text(double o) { return "×" + fixed(o, o == double(int(o)) ? 0 : 1); }

std::string type_label(const report_row& row) {
  std::string label = row.field.index_type;
  if (row.query_oversample > 0) label += " + query rescore " + oversample_text(row.query_oversample);
  else if (double o = rescore_oversample(row); o > 0) label += " (rescore " + oversample_text(o) + ")";
  return label;
}

// The rows a per-language table shows: 256-dim int8 and bbq (the headline), else the first
// non-reference row, so a run with other sizes still gets one.
std::vector<const report_row*> headline_rows(const report_data& r) {
  std::vector<const report_row*> out;
  for (const char* type : {"int8_hnsw", "bbq_hnsw"})
    for (const auto& row : r.rows)
      if (row.field.dims == 256 && row.field.index_type == type) out.push_back(&row);
  if (out.empty())
    for (const auto& row : r.rows)
      if (!row.reference) {
        out.push_back(&row);
        break;
      }
  return out;
}

long long query_tokens_total(const report_data& r, long long& queries) {
  long long tokens = 0;
  queries = 0;
  for (const auto& [language, t] : r.query_tokens) {
    tokens += t.tokens;
    queries += t.items;
  }
  return tokens;
}

json count_json(const report_token_count& c, const char* items_name) {
  return {{items_name, c.items}, {"tokens", c.tokens}, {"mean", c.mean()}};
}

std::string documents_text(const report_data& r) {
  std::string text = thousands(r.stored_documents) + " stored vectors";
  if (r.synthetic) text += " + " + thousands(r.synthetic) + " synthetic copies";
  return text;
}

const char* stand_in_note =
    "The vectors come from the Jina test double (a stand-in), not from jina-clip-v2: the queries were embedded by it "
    "and, when the index was built with it, so were the images. The figures show what each size and index type does "
    "to these vectors; the real model's vectors are spread differently, so its numbers will differ.";

}  // namespace

// ---- JSON ---------------------------------------------------------------------------------------

std::string report_to_json(const report_data& r) {
  json fields = json::array();
  for (const auto& row : r.rows) {
    json by_language = json::object();
    for (const auto& language : r.languages) {
      auto it = row.by_language.find(language);
      if (it == row.by_language.end()) continue;
      by_language[language] = {{"overlap_at_k", it->second.overlap},
                               {"overlap_exact_1024_at_k", it->second.overlap_exact},
                               {"recall_at_k", it->second.recall},
                               {"top1_agreement", it->second.top1},
                               {"queries", it->second.queries}};
    }
    fields.push_back({{"name", row.field.name()},
                      {"dims", row.field.dims},
                      {"index_type", row.field.index_type},
                      {"reference", row.reference},
                      {"query_rescore_oversample", row.query_oversample},
                      {"index", row.index_name},
                      {"index_options", row.index_options},
                      {"documents", row.documents},
                      {"segments", row.segments},
                      {"bytes", row.storage.bytes},
                      {"bytes_per_image", per_doc(row.storage.bytes, row.documents)},
                      {"storage", {{"raw_vectors", row.storage.raw_bytes},
                                   {"quantised", row.storage.quantised_bytes},
                                   {"graph", row.storage.graph_bytes}}},
                      {"working_set_per_image", per_doc(working_set(row.storage), row.documents)},
                      {"overlap_at_k", row.all.overlap},
                      {"overlap_exact_1024_at_k", row.all.overlap_exact},
                      {"recall_at_k", row.all.recall},
                      {"top1_agreement", row.all.top1},
                      {"queries", row.all.queries},
                      {"latency_ms", {{"p50_took", row.p50_took_ms}, {"p50_wall", row.p50_wall_ms}, {"p90_wall", row.p90_wall_ms}}},
                      {"by_language", std::move(by_language)}});
  }
  json skipped = json::array();
  for (const auto& s : r.skipped)
    skipped.push_back({{"name", s.field.name()}, {"dims", s.field.dims}, {"index_type", s.field.index_type}, {"reason", s.reason}});

  long long queries = 0;
  long long query_tokens = query_tokens_total(r, queries);
  json per_language = json::object();
  for (const auto& language : r.languages)
    if (auto it = r.query_tokens.find(language); it != r.query_tokens.end())
      per_language[language] = count_json(it->second, "queries");
  json measured = nullptr;
  if (r.images_measured)
    measured = {{"how", "embedded through the embedder (document task, cache off): the files as they are, then their "
                        "512 px copies"},
                {"folder", r.images_dir},
                {"before_resize", count_json(r.image_tokens_before_measured, "images")},
                {"after_resize", count_json(r.image_tokens_after_measured, "images")},
                {"not_measured", r.images_not_measured},
                {"stored_vector_agreement", {{"images", r.consistency_matched},
                                             {"mean_cosine", r.consistency_mean_cosine},
                                             {"min_cosine", r.consistency_min_cosine}}}};

  json out = {
      {"report", "polylens index size and quality"},
      {"date", r.date_utc},
      {"machine", r.machine},
      {"load_average", r.load_average},
      {"elasticsearch", {{"version", r.es_version}}},
      {"index", r.index},
      {"embedder", {{"model", r.embedder.model}, {"label", r.embedder.label}, {"stand_in", r.embedder.stand_in}}},
      {"documents", {{"stored", r.stored_documents},
                     {"synthetic", r.synthetic},
                     {"total", r.stored_documents + r.synthetic},
                     {"synthetic_noise", r.synthetic_noise},
                     {"synthetic_mean_cosine", r.synthetic_cosine}}},
      {"queries", {{"count", r.queries}, {"concepts", r.concepts}, {"languages", r.languages}}},
      {"exact_1024", {{"mean_cosine_rank_1", r.cosine_rank1},
                      {"mean_cosine_rank_half_k", r.cosine_rank_half},
                      {"mean_cosine_rank_k", r.cosine_rank_k},
                      {"median_gap_rank_k_to_next", r.median_gap_at_k}}},
      {"k", r.k},
      {"num_candidates", r.num_candidates},
      {"query_rescore_oversample", r.rescore},
      {"reference", "vec_1024 hnsw"},
      {"fields", std::move(fields)},
      {"skipped", std::move(skipped)},
      {"tokens",
       {{"per_query", {{"how", "embedded through the embedder, one call per language, cache off"},
                       {"queries", queries},
                       {"tokens", query_tokens},
                       {"mean", queries ? double(query_tokens) / double(queries) : 0.0},
                       {"by_language", std::move(per_language)}}},
        {"per_image",
         {{"formula", {{"how", "4000 tokens per started 512 px tile (Jina contract, section 8), from the stored width and "
                               "height; after = shrunk to 512 px on the long side"},
                       {"before_resize", count_json(r.image_tokens_before_formula, "images")},
                       {"after_resize", count_json(r.image_tokens_after_formula, "images")},
                       {"images_without_size", r.images_without_size}}},
          {"measured", std::move(measured)}}}}},
      {"scratch_indices", {{"names", r.scratch_indices}, {"kept", r.scratch_kept}}},
      {"seconds", r.seconds},
  };
  return out.dump(2) + "\n";
}

// ---- text table ---------------------------------------------------------------------------------

std::string report_to_table(const report_data& r) {
  std::ostringstream out;
  out << "Polylens index size and quality, " << r.date_utc << "\n"
      << "Elasticsearch " << r.es_version << ", index '" << r.index << "', " << documents_text(r) << ", "
      << r.queries << " queries (" << r.concepts << " concepts x " << r.languages.size() << " languages), k "
      << r.k << ", num_candidates " << r.num_candidates << "\n"
      << "Embedder: " << r.embedder.label << "\n";
  if (r.embedder.stand_in) out << "STAND-IN: " << stand_in_note << "\n";
  out << "\n";
  char line[400];
  const std::string overlap = "overlap@" + std::to_string(r.k), recall = "recall@" + std::to_string(r.k);
  std::snprintf(line, sizeof line, "%5s  %-34s %9s %10s %9s %9s %8s %10s %10s %10s %9s %6s %9s %9s\n", "dims", "index type",
                "docs", "bytes/img", "floats", "quantised", "graph", "search/img", overlap.c_str(), "vs exact", recall.c_str(),
                "top-1", "p50 took", "p50 wall");
  out << line;
  for (const auto& row : r.rows) {
    const double n = double(row.documents ? row.documents : 1);
    std::snprintf(line, sizeof line, "%5d  %-34s %9lld %10.0f %9.0f %9.0f %8.0f %10.0f %10.3f %10.3f %9.3f %6.3f %9.1f %9.2f%s\n",
                  row.field.dims, type_label(row).c_str(), row.documents, per_doc(row.storage.bytes, row.documents),
                  row.storage.raw_bytes / n, row.storage.quantised_bytes / n, row.storage.graph_bytes / n,
                  working_set(row.storage) / n, row.all.overlap, row.all.overlap_exact, row.all.recall, row.all.top1,
                  row.p50_took_ms, row.p50_wall_ms,
                  row.reference ? "  (reference)" : "");
    out << line;
  }
  out << "(bytes per image on disk from _disk_usage; floats/quantised/graph per image from _stats/dense_vector; "
         "search/img = what a kNN search reads; vs exact = overlap with exact 1024-dim float search; top-1 = share of "
         "queries with the reference's first hit; latency in ms)\n"
      << "Exact search at 1024 dims: mean cosine " << fixed(r.cosine_rank1, 3) << " at rank 1, "
      << fixed(r.cosine_rank_k, 3) << " at rank " << r.k << "; median gap between rank " << r.k << " and "
      << r.k + 1 << ": " << fixed(r.median_gap_at_k, 4) << "\n";
  for (const auto& s : r.skipped) out << "skipped " << s.field.name() << " " << s.field.index_type << ": " << s.reason << "\n";

  long long queries = 0;
  long long query_tokens = query_tokens_total(r, queries);
  out << "\nTokens per query (measured, " << queries << " queries): " << fixed(queries ? double(query_tokens) / queries : 0, 2)
      << " (total " << query_tokens << ")\n";
  out << "Tokens per image (formula, " << r.image_tokens_before_formula.items << " images): before resizing "
      << fixed(r.image_tokens_before_formula.mean(), 0) << " (total " << r.image_tokens_before_formula.tokens
      << "), after resizing to 512 px " << fixed(r.image_tokens_after_formula.mean(), 0) << " (total "
      << r.image_tokens_after_formula.tokens << ")\n";
  if (r.images_measured)
    out << "Tokens per image (measured, " << r.image_tokens_before_measured.items << " files in " << r.images_dir
        << "): before resizing " << fixed(r.image_tokens_before_measured.mean(), 0) << " (total "
        << r.image_tokens_before_measured.tokens << "), after " << fixed(r.image_tokens_after_measured.mean(), 0)
        << " (total " << r.image_tokens_after_measured.tokens << "); stored vectors vs fresh embeddings: mean cosine "
        << fixed(r.consistency_mean_cosine, 4) << " over " << r.consistency_matched << " images\n";
  out << "Scratch indices " << (r.scratch_kept ? "kept" : "deleted") << "; " << fixed(r.seconds, 0) << " s\n";
  return out.str();
}

// ---- markdown -----------------------------------------------------------------------------------

std::string report_to_markdown(const report_data& r) {
  std::ostringstream out;
  out << "## " << documents_text(r) << ", " << r.date_utc << "\n\n";
  out << "- **Machine:** " << r.machine << "; load average at the start " << r.load_average
      << " (the machine is shared, so compare rows within a run, not across runs).\n";
  out << "- **Elasticsearch:** " << r.es_version << ". Source index `" << r.index << "`; one scratch index per index type, "
      << "force-merged to one segment before measuring, deleted afterwards"
      << (r.scratch_kept ? " (kept: --keep)" : "") << ".\n";
  out << "- **Embedder:** " << r.embedder.label << ".\n";
  if (r.embedder.stand_in) out << "- **Stand-in.** " << stand_in_note << "\n";
  out << "- **Documents per field:** " << thousands(r.stored_documents + r.synthetic) << " (" << documents_text(r) << ")";
  if (r.synthetic)
    out << ". A copy is its original plus Gaussian noise of " << fixed(r.synthetic_noise, 2)
        << " × each dimension's spread, re-normalised; its mean cosine with its original is "
        << fixed(r.synthetic_cosine, 3);
  out << ".\n";
  out << "- **Queries:** " << r.queries << " (" << r.concepts << " concepts × " << r.languages.size()
      << " languages), each embedded once; every field answered all of them (k = " << r.k << ", num_candidates = "
      << r.num_candidates << ") after 10 uncounted warm-up searches.\n";
  out << "- **overlap@" << r.k << "**: the share of `vec_1024` hnsw's top " << r.k
      << " that the field also returns. **recall@" << r.k << "**: the share of the exact top " << r.k
      << " on the same dims (brute-force cosine over the same vectors, computed by polylens) that it returns.\n";
  out << "- **vs exact 1024**: overlap@" << r.k << " with exact (brute-force) search on the 1024-dim float vectors: "
         "what truncation, quantisation and the graph lose together. **top-1**: the share of queries whose first hit "
         "is `vec_1024` hnsw's first hit.\n";
  if (r.rescore > 0)
    out << "- Rows marked *+ query rescore* searched the same field with `rescore_vector: {oversample: "
        << fixed(r.rescore, 1) << "}` in the query: " << fixed(r.rescore, 1)
        << " × k candidates from the quantised copy, re-scored on the float vectors.\n";
  out << "- **How close the race is:** exact search at 1024 dims gives a mean cosine of " << fixed(r.cosine_rank1, 3)
      << " at rank 1, " << fixed(r.cosine_rank_half, 3) << " at rank " << (r.k + 1) / 2 << " and "
      << fixed(r.cosine_rank_k, 3) << " at rank " << r.k << "; the median gap between rank " << r.k << " and "
      << r.k + 1 << " is " << fixed(r.median_gap_at_k, 4)
      << ". Where that gap is small, the end of the top " << r.k << " is a near-tie that any approximation reorders.\n";
  out << "- **Bytes** per field from `_disk_usage`; the split by file type from `_stats/dense_vector`. "
         "**kNN reads** = the quantised copy (or the floats, for hnsw and flat) plus the graph: what a search "
         "touches. Quantised types keep the float vectors on disk as well.\n";
  out << "- Run time " << fixed(r.seconds, 0) << " s.\n\n";

  out << "| dims | index type | bytes / image on disk | floats | quantised | graph | kNN reads / image | overlap@"
      << r.k << " | vs exact 1024 | recall@" << r.k << " | top-1 | p50 took (ms) | p50 round trip (ms) |\n"
      << "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const auto& row : r.rows) {
    const double n = double(row.documents ? row.documents : 1);
    out << "| " << row.field.dims << " | " << type_label(row) << (row.reference ? " (reference)" : "") << " | "
        << thousands((long long)(per_doc(row.storage.bytes, row.documents) + 0.5)) << " | "
        << thousands((long long)(row.storage.raw_bytes / n + 0.5)) << " | "
        << thousands((long long)(row.storage.quantised_bytes / n + 0.5)) << " | "
        << thousands((long long)(row.storage.graph_bytes / n + 0.5)) << " | "
        << thousands((long long)(working_set(row.storage) / n + 0.5)) << " | " << fixed(row.all.overlap, 3) << " | "
        << fixed(row.all.overlap_exact, 3) << " | " << fixed(row.all.recall, 3) << " | " << fixed(row.all.top1, 3) << " | " << fixed(row.p50_took_ms, 1) << " | "
        << fixed(row.p50_wall_ms, 2) << " |\n";
  }
  if (!r.skipped.empty()) {
    out << "\nNot measured, because Elasticsearch refuses the combination:\n";
    for (const auto& s : r.skipped) out << "- `" << s.field.name() << "` " << s.field.index_type << ": " << s.reason << "\n";
  }

  auto headline = headline_rows(r);
  if (!headline.empty()) {
    out << "\n### By query language\n\nEach language has " << (r.concepts ? r.queries / std::max<long long>(1, (long long)r.languages.size()) : 0)
        << " queries.\n\n| language |";
    for (const auto* row : headline) out << " " << row->field.dims << " " << type_label(*row) << " overlap@" << r.k << " | recall@" << r.k << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < headline.size(); ++i) out << "--:|--:|";
    out << "\n";
    // When every language gives the same figures (the test double maps a concept to one vector in
    // every language), one row says it without 22 identical lines.
    bool all_same = true;
    for (const auto* row : headline) {
      if (row->by_language.empty()) continue;
      const report_figures& first = row->by_language.begin()->second;
      for (const auto& [language, f] : row->by_language)
        if (fixed(f.overlap, 3) != fixed(first.overlap, 3) || fixed(f.recall, 3) != fixed(first.recall, 3))
          all_same = false;
    }
    auto cells = [&](const std::string& language) {
      for (const auto* row : headline) {
        auto it = row->by_language.find(language);
        if (it == row->by_language.end()) out << " | |";
        else out << " " << fixed(it->second.overlap, 3) << " | " << fixed(it->second.recall, 3) << " |";
      }
      out << "\n";
    };
    if (all_same && !r.languages.empty()) {
      out << "| all " << r.languages.size() << " (";
      for (std::size_t i = 0; i < r.languages.size(); ++i) out << (i ? ", " : "") << r.languages[i];
      out << "): identical |";
      cells(r.languages.front());
    } else {
      for (const auto& language : r.languages) {
        out << "| " << language << " |";
        cells(language);
      }
    }
  }

  long long queries = 0;
  long long query_tokens = query_tokens_total(r, queries);
  out << "\n### Tokens\n\n";
  out << "**Per query** (from the embedder's `usage`, one call per language, cache off): " << thousands(query_tokens)
      << " tokens for " << queries << " queries, " << fixed(queries ? double(query_tokens) / queries : 0, 2)
      << " per query.";
  if (r.embedder.stand_in)
    out << " The double counts ceil(UTF-8 bytes / 4) + 1 per text, not jina-clip-v2's tokenizer, so treat these as "
           "placeholders.";
  out << "\n\n| language |";
  for (const auto& language : r.languages) out << " " << language << " |";
  out << "\n|---|";
  for (std::size_t i = 0; i < r.languages.size(); ++i) out << "--:|";
  out << "\n| tokens per query |";
  for (const auto& language : r.languages) {
    auto it = r.query_tokens.find(language);
    out << " " << (it == r.query_tokens.end() ? std::string() : fixed(it->second.mean(), 2)) << " |";
  }
  out << "\n\n**Per image**, before and after shrinking to 512 px on the long side (what the browser and the indexer "
         "send):\n\n| how | images | tokens before | per image before | tokens after | per image after |\n"
         "|---|--:|--:|--:|--:|--:|\n";
  out << "| formula: 4000 per started 512 px tile, from the stored width × height | "
      << r.image_tokens_before_formula.items << " | " << thousands(r.image_tokens_before_formula.tokens) << " | "
      << thousands((long long)(r.image_tokens_before_formula.mean() + 0.5)) << " | "
      << thousands(r.image_tokens_after_formula.tokens) << " | "
      << thousands((long long)(r.image_tokens_after_formula.mean() + 0.5)) << " |\n";
  if (r.images_measured)
    out << "| measured: the files in `" << r.images_dir << "`, then their 512 px copies, through the embedder"
        << (r.embedder.stand_in ? " (the test double)" : "") << " | " << r.image_tokens_before_measured.items << " | "
        << thousands(r.image_tokens_before_measured.tokens) << " | "
        << thousands((long long)(r.image_tokens_before_measured.mean() + 0.5)) << " | "
        << thousands(r.image_tokens_after_measured.tokens) << " | "
        << thousands((long long)(r.image_tokens_after_measured.mean() + 0.5)) << " |\n";
  if (r.images_without_size) out << "\n" << r.images_without_size << " documents have no stored size and are not in the formula row.\n";
  if (r.images_measured) {
    out << "\nThe fresh embedding of each 512 px copy against the vector stored for that file: mean cosine "
        << fixed(r.consistency_mean_cosine, 4) << ", lowest " << fixed(r.consistency_min_cosine, 4) << ", over "
        << r.consistency_matched << " images (close to 1: the index was built by this embedder, as the query "
        << "comparison assumes).\n";
    for (const auto& s : r.images_not_measured) out << "- not measured: " << s << "\n";
  }
  return out.str();
}

}  // namespace polylens
