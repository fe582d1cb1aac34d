#pragma once
// Archive files of log segments: the rows of one segment in PostgreSQL's
// COPY text format, compressed with zstd, beside a JSON manifest (format,
// schema, bounds, row count, row hash, the database's checksum, the file's
// XXH64). The manifest is written last and atomically: an archive without
// one, or whose file does not match it, is never accepted. Format:
// docs/log-segments.md, "Archive files".
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/activity.h"
#include "model/partition.h"
#include "result.h"

namespace tidemark {

inline constexpr const char *kArchiveFormat = "tidemark-segment-archive/1";

using ArchiveRow = std::vector<std::optional<std::string>>; ///< text values, nullopt = NULL

struct ArchiveColumn {
    std::string name;
    std::string type; ///< as the database declares it
};

struct ArchiveManifest {
    std::string format = kArchiveFormat;
    std::string encoding = "postgresql-copy-text";
    std::string compression = "zstd";
    std::string database; ///< connector scheme it was written from
    std::string table;
    std::string partition;
    std::string keyColumn;
    KeyType keyType = KeyType::Integer;
    KeyRange bounds;
    std::vector<ArchiveColumn> columns;
    std::string createSql; ///< the segment's schema as the database gives it
    std::int64_t rows = 0;
    std::uint64_t rowHashSum = 0; ///< wrapping sum of XXH64 over each row's line
    RowChecksum databaseChecksum; ///< the connector's checksum of the segment when archived
    std::string dataFile; ///< file name, beside the manifest
    std::int64_t fileBytes = 0;
    std::uint64_t fileXxh64 = 0;
    std::int64_t createdMs = 0;
    std::string stepUid;
};

/// "<table>.<partition>.manifest.json" and "<table>.<partition>.copy.zst" in `dir`.
std::filesystem::path archiveManifestPath(const std::filesystem::path &dir, std::string_view table,
                                          std::string_view partition);
std::filesystem::path archiveDataPath(const std::filesystem::path &dir, std::string_view table,
                                      std::string_view partition);

/// One row as a COPY text line (no newline): tab-separated, \N for NULL,
/// backslash, tab, newline and carriage return escaped.
std::string encodeCopyLine(const ArchiveRow &values);
/// The inverse; InvalidArgument when the line does not have `columns` fields.
Result<ArchiveRow> decodeCopyLine(std::string_view line, std::size_t columns);
std::uint64_t archiveRowHash(std::string_view line);

/// Writes one archive. The data goes to a ".partial" file first; finish()
/// syncs and renames it, then writes the manifest (temporary file, sync,
/// rename, directory sync). Destroyed unfinished, it removes the partial file.
class ArchiveWriter {
public:
    /// `head` carries everything but the counts, hashes and file figures.
    /// `ioCapBytesPerSecond` throttles the rows taken (0: no cap).
    static Result<std::unique_ptr<ArchiveWriter>> create(const std::filesystem::path &dir, ArchiveManifest head,
                                                         std::int64_t ioCapBytesPerSecond = 0, int level = 3);
    ~ArchiveWriter();
    ArchiveWriter(const ArchiveWriter &) = delete;
    ArchiveWriter &operator=(const ArchiveWriter &) = delete;

    Result<void> addRow(const ArchiveRow &values);
    std::int64_t rows() const;
    /// Completes the files; the manifest as written. Only the row counts and
    /// hashes known so far go in; `databaseChecksum` may be set before.
    Result<ArchiveManifest> finish(const RowChecksum &databaseChecksum);
    const std::filesystem::path &manifestPath() const;

    struct State;

private:
    explicit ArchiveWriter(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

Result<ArchiveManifest> readArchiveManifest(const std::filesystem::path &manifestPath);

/// Reads an archive back, checking everything the manifest says: the file's
/// size and XXH64, each line's field count, the row count and row hash.
/// `sink` (may be empty: check only) receives the rows in batches; a
/// mismatch is VerificationFailed — also after rows were handed out, so a
/// caller loads inside a transaction it can roll back.
Result<ArchiveManifest> readArchive(const std::filesystem::path &manifestPath,
                                    const std::function<Result<void>(const std::vector<ArchiveRow> &)> &sink,
                                    std::size_t batchRows = 2000);

/// The archive just written, read back whole against its manifest and the
/// segment's row count (`written`): what both connectors' archive step
/// proves before the segment goes. VerificationFailed when they differ.
Result<void> verifyWrittenArchive(const std::filesystem::path &manifestPath, const ArchiveManifest &written);

/// Hex form of a 64-bit hash, 16 digits.
std::string hex64(std::uint64_t v);

} // namespace tidemark
