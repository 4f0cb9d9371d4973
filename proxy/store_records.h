// What the embedded store writes into its log's records (record_log carries them; this file gives
// them meaning). Three kinds of payload, little-endian, strings as u32 length + bytes:
//   schema  1 | format version u32 | field count u32 | dims u32...        (always the first record)
//   put     2 | document count u32 | documents...
//   remove  3 | id count u32 | ids...
// A document is
//   size u32 (of the whole document, this field included) | id | file | title | caption | licence |
//   credit | source_url | tag count u32 | tags... | width i32 | height i32 |
//   one float32 vector per schema field, in schema order |
//   thumbnail size u32 | thumbnail CRC-32C u32 | thumbnail bytes
// The vectors are exactly what put() received; the thumbnail has its own checksum so that a read of
// it alone (pread, by offset) is checked too.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vector_documents.h"

namespace polylens {

enum class store_record_kind : std::uint8_t { schema = 1, put = 2, remove = 3 };

constexpr std::uint32_t store_format_version = 1;

// Where a document's parts sit, relative to the start of its encoded bytes.
struct stored_doc_layout {
  std::uint32_t size = 0;  // of the whole encoded document
  std::uint32_t vectors_at = 0;
  std::uint32_t thumbnail_at = 0;
  std::uint32_t thumbnail_size = 0;
  std::uint32_t thumbnail_crc = 0;
};

// A decoded document: views into the payload, valid while it is.
struct stored_doc_view {
  std::uint32_t start = 0;  // within the payload
  stored_doc_layout layout;
  std::string_view id, file, title, caption, licence, credit, source_url;
  std::vector<std::string_view> tags;
  int width = 0, height = 0;
  const char* vectors = nullptr;  // schema-order float32 vectors (unaligned: copy them out)
};

std::string store_record_schema(const std::vector<int>& dims);
std::string store_record_remove(const std::vector<std::string>& ids);

// A put payload is built document by document: begin, add..., finish (which fills in the count).
// `dims` is the schema: `doc.vectors` must hold a vector of each size (checked by the caller).
void store_record_put_begin(std::string& payload);
stored_doc_layout store_record_put_add(std::string& payload, const image_document& doc, const std::vector<int>& dims);
void store_record_put_add_encoded(std::string& payload, std::string_view encoded_doc);  // compaction copies
void store_record_put_finish(std::string& payload, std::uint32_t count);
// The bytes a document will take, to split a large put across records.
std::size_t store_record_doc_bytes(const image_document& doc, const std::vector<int>& dims);

// Reading: the kind of a payload, then the matching decoder. Errors say what is wrong.
std::optional<store_record_kind> store_record_kind_of(std::string_view payload);
std::optional<std::string> store_record_read_schema(std::string_view payload, std::vector<int>& dims);
std::optional<std::string> store_record_read_remove(std::string_view payload, std::vector<std::string>& ids);
std::optional<std::string> store_record_read_put(std::string_view payload, const std::vector<int>& dims,
                                                 std::vector<stored_doc_view>& docs);

}  // namespace polylens
