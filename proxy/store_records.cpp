#include "store_records.h"

#include <bit>
#include <cstring>

#include "crc32c.h"

namespace polylens {

static_assert(std::endian::native == std::endian::little, "the store's files are little-endian, and so is this code");

namespace {

void put_u32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

std::size_t vector_bytes(const std::vector<int>& dims) {
  std::size_t n = 0;
  for (int d : dims) n += 4u * static_cast<std::size_t>(d);
  return n;
}

// Reads fields front to back; the first failure sticks and names what was being read.
class reader {
 public:
  explicit reader(std::string_view data, std::size_t at = 0) : data_(data), at_(at) {}
  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }
  std::size_t at() const { return at_; }

  std::uint32_t u32(const char* what) {
    if (!need(4, what)) return 0;
    std::uint32_t v;
    std::memcpy(&v, data_.data() + at_, 4);
    at_ += 4;
    return v;
  }
  std::string_view string(const char* what) {
    std::uint32_t n = u32(what);
    if (!need(n, what)) return {};
    std::string_view s = data_.substr(at_, n);
    at_ += n;
    return s;
  }
  const char* bytes(std::size_t n, const char* what) {
    if (!need(n, what)) return nullptr;
    const char* p = data_.data() + at_;
    at_ += n;
    return p;
  }

 private:
  bool need(std::size_t n, const char* what) {
    if (!ok()) return false;
    if (data_.size() - at_ < n) {
      problem_ = std::string("the record ends inside ") + what;
      return false;
    }
    return true;
  }
  std::string_view data_;
  std::size_t at_ = 0;
  std::string problem_;
};

}  // namespace

std::string store_record_schema(const std::vector<int>& dims) {
  std::string out(1, static_cast<char>(store_record_kind::schema));
  put_u32(out, store_format_version);
  put_u32(out, static_cast<std::uint32_t>(dims.size()));
  for (int d : dims) put_u32(out, static_cast<std::uint32_t>(d));
  return out;
}

std::string store_record_remove(const std::vector<std::string>& ids) {
  std::string out(1, static_cast<char>(store_record_kind::remove));
  put_u32(out, static_cast<std::uint32_t>(ids.size()));
  for (const auto& id : ids) put_string(out, id);
  return out;
}

void store_record_put_begin(std::string& payload) {
  payload.assign(1, static_cast<char>(store_record_kind::put));
  put_u32(payload, 0);
}

std::size_t store_record_doc_bytes(const image_document& doc, const std::vector<int>& dims) {
  std::size_t n = 4 + 7 * 4 + doc.id.size() + doc.file.size() + doc.title.size() + doc.caption.size() +
                  doc.licence.size() + doc.credit.size() + doc.source_url.size() + 4;
  for (const auto& t : doc.tags) n += 4 + t.size();
  return n + 8 + vector_bytes(dims) + 8 + doc.thumbnail_jpeg.size();
}

stored_doc_layout store_record_put_add(std::string& payload, const image_document& doc, const std::vector<int>& dims) {
  const std::size_t start = payload.size();
  stored_doc_layout layout;
  layout.size = static_cast<std::uint32_t>(store_record_doc_bytes(doc, dims));
  payload.reserve(start + layout.size);
  put_u32(payload, layout.size);
  for (std::string_view s : {std::string_view(doc.id), std::string_view(doc.file), std::string_view(doc.title),
                             std::string_view(doc.caption), std::string_view(doc.licence),
                             std::string_view(doc.credit), std::string_view(doc.source_url)})
    put_string(payload, s);
  put_u32(payload, static_cast<std::uint32_t>(doc.tags.size()));
  for (const auto& t : doc.tags) put_string(payload, t);
  put_u32(payload, static_cast<std::uint32_t>(doc.width));
  put_u32(payload, static_cast<std::uint32_t>(doc.height));
  layout.vectors_at = static_cast<std::uint32_t>(payload.size() - start);
  for (int d : dims) {
    const std::vector<float>& v = doc.vectors.at(d);
    payload.append(reinterpret_cast<const char*>(v.data()), 4u * static_cast<std::size_t>(d));
  }
  layout.thumbnail_size = static_cast<std::uint32_t>(doc.thumbnail_jpeg.size());
  layout.thumbnail_crc = crc32c(doc.thumbnail_jpeg.data(), doc.thumbnail_jpeg.size());
  put_u32(payload, layout.thumbnail_size);
  put_u32(payload, layout.thumbnail_crc);
  layout.thumbnail_at = static_cast<std::uint32_t>(payload.size() - start);
  payload.append(doc.thumbnail_jpeg);
  return layout;
}

void store_record_put_add_encoded(std::string& payload, std::string_view encoded_doc) { payload.append(encoded_doc); }

void store_record_put_finish(std::string& payload, std::uint32_t count) { std::memcpy(payload.data() + 1, &count, 4); }

std::optional<store_record_kind> store_record_kind_of(std::string_view payload) {
  if (payload.empty()) return std::nullopt;
  auto k = static_cast<store_record_kind>(payload[0]);
  if (k == store_record_kind::schema || k == store_record_kind::put || k == store_record_kind::remove) return k;
  return std::nullopt;
}

std::optional<std::string> store_record_read_schema(std::string_view payload, std::vector<int>& dims) {
  reader in(payload, 1);
  std::uint32_t version = in.u32("the format version");
  std::uint32_t n = in.u32("the field count");
  if (!in.ok()) return in.problem();
  if (version != store_format_version)
    return "the store's format version is " + std::to_string(version) + "; this build reads version " +
           std::to_string(store_format_version);
  if (n == 0 || n > 64) return "the schema lists " + std::to_string(n) + " fields";
  dims.clear();
  for (std::uint32_t i = 0; i < n; ++i) dims.push_back(static_cast<int>(in.u32("the schema's dims")));
  if (!in.ok()) return in.problem();
  if (in.at() != payload.size()) return std::string("the schema record has bytes after its last field");
  return std::nullopt;
}

std::optional<std::string> store_record_read_remove(std::string_view payload, std::vector<std::string>& ids) {
  reader in(payload, 1);
  std::uint32_t n = in.u32("the id count");
  ids.clear();
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) ids.emplace_back(in.string("an id"));
  if (!in.ok()) return in.problem();
  if (in.at() != payload.size()) return std::string("the remove record has bytes after its last id");
  return std::nullopt;
}

std::optional<std::string> store_record_read_put(std::string_view payload, const std::vector<int>& dims,
                                                 std::vector<stored_doc_view>& docs) {
  reader in(payload, 1);
  std::uint32_t n = in.u32("the document count");
  if (!in.ok()) return in.problem();
  docs.clear();
  docs.reserve(n);
  const std::size_t vectors = vector_bytes(dims);
  for (std::uint32_t i = 0; i < n; ++i) {
    stored_doc_view d;
    d.start = static_cast<std::uint32_t>(in.at());
    d.layout.size = in.u32("a document's size");
    d.id = in.string("an id");
    d.file = in.string("a file name");
    d.title = in.string("a title");
    d.caption = in.string("a caption");
    d.licence = in.string("a licence");
    d.credit = in.string("a credit line");
    d.source_url = in.string("a source URL");
    std::uint32_t tags = in.u32("a tag count");
    for (std::uint32_t t = 0; t < tags && in.ok(); ++t) d.tags.push_back(in.string("a tag"));
    d.width = static_cast<int>(in.u32("a width"));
    d.height = static_cast<int>(in.u32("a height"));
    d.layout.vectors_at = static_cast<std::uint32_t>(in.at() - d.start);
    d.vectors = in.bytes(vectors, "a document's vectors");
    d.layout.thumbnail_size = in.u32("a thumbnail size");
    d.layout.thumbnail_crc = in.u32("a thumbnail checksum");
    d.layout.thumbnail_at = static_cast<std::uint32_t>(in.at() - d.start);
    in.bytes(d.layout.thumbnail_size, "a thumbnail");
    if (!in.ok()) return "document " + std::to_string(i) + ": " + in.problem();
    if (in.at() - d.start != d.layout.size)
      return "document " + std::to_string(i) + " is " + std::to_string(in.at() - d.start) +
             " bytes long but says " + std::to_string(d.layout.size);
    docs.push_back(std::move(d));
  }
  if (in.at() != payload.size()) return std::string("the put record has bytes after its last document");
  return std::nullopt;
}

}  // namespace polylens
