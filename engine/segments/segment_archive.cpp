#include "segments/segment_archive.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>
#include <zstd.h>

#include "model/key_value.h"

namespace tidemark {

using nlohmann::json;

namespace {

std::int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Error ioError(const std::string &what, const std::filesystem::path &path)
{
    return Error{ErrorCode::Io, fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)),
                 "check the archive folder exists, is writable and has space"};
}

Result<void> syncPath(const std::filesystem::path &path, bool directory)
{
    const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0)
        return tl::unexpected(ioError("opening", path));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0)
        return tl::unexpected(ioError("syncing", path));
    return {};
}

/// Safe in a file name: letters, digits, '_', '-', '.'; anything else as %XX.
std::string fileNamePart(std::string_view s)
{
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '_' || c == '-')
            out += char(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

json rangeJson(const KeyRange &r)
{
    json j = json::object();
    j["lower"] = r.lower ? json(*r.lower) : json(nullptr);
    j["upper"] = r.upper ? json(*r.upper) : json(nullptr);
    return j;
}

json manifestJson(const ArchiveManifest &m)
{
    json columns = json::array();
    for (const auto &c : m.columns)
        columns.push_back({{"name", c.name}, {"type", c.type}});
    return {{"format", m.format},
            {"encoding", m.encoding},
            {"compression", m.compression},
            {"database", m.database},
            {"table", m.table},
            {"partition", m.partition},
            {"key_column", m.keyColumn},
            {"key_type", toString(m.keyType)},
            {"bounds", rangeJson(m.bounds)},
            {"bounds_text", describeRange(m.bounds, m.keyType)},
            {"columns", columns},
            {"create_sql", m.createSql},
            {"rows", m.rows},
            {"row_hash_sum", hex64(m.rowHashSum)},
            {"database_checksum", {{"rows", m.databaseChecksum.rows}, {"hash_sum", hex64(m.databaseChecksum.hashSum)}}},
            {"data_file", m.dataFile},
            {"file_bytes", m.fileBytes},
            {"file_xxh64", hex64(m.fileXxh64)},
            {"created_ms", m.createdMs},
            {"step_uid", m.stepUid}};
}

Result<std::uint64_t> parseHex64(const json &j, const char *key)
{
    if (!j.contains(key) || !j[key].is_string())
        return fail(ErrorCode::Corrupt, fmt::format("the archive manifest lacks {}", key));
    const std::string s = j[key].get<std::string>();
    if (s.size() != 16 || s.find_first_not_of("0123456789abcdef") != std::string::npos)
        return fail(ErrorCode::Corrupt, fmt::format("the archive manifest's {} is not a 64-bit hex value", key));
    return std::stoull(s, nullptr, 16);
}

} // namespace

std::string hex64(std::uint64_t v)
{
    return fmt::format("{:016x}", v);
}

std::filesystem::path archiveManifestPath(const std::filesystem::path &dir, std::string_view table,
                                          std::string_view partition)
{
    return dir / (fileNamePart(table) + "." + fileNamePart(partition) + ".manifest.json");
}

std::filesystem::path archiveDataPath(const std::filesystem::path &dir, std::string_view table,
                                      std::string_view partition)
{
    return dir / (fileNamePart(table) + "." + fileNamePart(partition) + ".copy.zst");
}

std::string encodeCopyLine(const ArchiveRow &values)
{
    std::string line;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i)
            line += '\t';
        if (!values[i]) {
            line += "\\N";
            continue;
        }
        for (char c : *values[i]) {
            switch (c) {
            case '\\':
                line += "\\\\";
                break;
            case '\t':
                line += "\\t";
                break;
            case '\n':
                line += "\\n";
                break;
            case '\r':
                line += "\\r";
                break;
            default:
                line += c;
            }
        }
    }
    return line;
}

Result<ArchiveRow> decodeCopyLine(std::string_view line, std::size_t columns)
{
    ArchiveRow row;
    std::string field;
    bool isNull = false;
    auto push = [&] {
        if (isNull)
            row.emplace_back(std::nullopt);
        else
            row.emplace_back(std::move(field));
        field.clear();
        isNull = false;
    };
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\t') {
            push();
            continue;
        }
        if (c != '\\') {
            field += c;
            continue;
        }
        if (++i >= line.size())
            return fail(ErrorCode::InvalidArgument, "an archive line ends in a lone backslash");
        switch (line[i]) {
        case 'N':
            if (!field.empty() || (i + 1 < line.size() && line[i + 1] != '\t'))
                return fail(ErrorCode::InvalidArgument, "an archive line has \\N inside a value");
            isNull = true;
            break;
        case 't':
            field += '\t';
            break;
        case 'n':
            field += '\n';
            break;
        case 'r':
            field += '\r';
            break;
        case '\\':
            field += '\\';
            break;
        default:
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("an archive line has the unknown escape \\{}", line[i]));
        }
    }
    push();
    if (row.size() != columns)
        return fail(
            ErrorCode::InvalidArgument,
            fmt::format("an archive line has {} fields where the manifest names {} columns", row.size(), columns));
    return row;
}

std::uint64_t archiveRowHash(std::string_view line)
{
    return XXH64(line.data(), line.size(), 0);
}

struct ArchiveWriter::State {
    ArchiveManifest manifest;
    std::filesystem::path dir, dataPath, partialPath, manifestPath;
    std::FILE *file = nullptr;
    ZSTD_CCtx *cctx = nullptr;
    XXH64_state_t *xxh = nullptr;
    std::string in, out;
    std::int64_t ioCap = 0;
    std::int64_t bytesTaken = 0;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    bool finished = false;

    ~State()
    {
        if (file)
            std::fclose(file);
        if (!finished && !partialPath.empty()) {
            std::error_code ec;
            std::filesystem::remove(partialPath, ec);
        }
        ZSTD_freeCCtx(cctx);
        XXH64_freeState(xxh);
    }

    Result<void> emit(ZSTD_EndDirective mode)
    {
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        for (;;) {
            out.resize(ZSTD_CStreamOutSize());
            ZSTD_outBuffer output{out.data(), out.size(), 0};
            const std::size_t left = ZSTD_compressStream2(cctx, &output, &input, mode);
            if (ZSTD_isError(left))
                return fail(ErrorCode::Io, fmt::format("zstd: {}", ZSTD_getErrorName(left)));
            if (output.pos > 0) {
                if (std::fwrite(out.data(), 1, output.pos, file) != output.pos)
                    return tl::unexpected(ioError("writing", partialPath));
                XXH64_update(xxh, out.data(), output.pos);
                manifest.fileBytes += std::int64_t(output.pos);
            }
            const bool drained = mode == ZSTD_e_continue ? input.pos == input.size : left == 0;
            if (drained)
                break;
        }
        in.clear();
        return {};
    }
};

ArchiveWriter::ArchiveWriter(std::unique_ptr<State> state)
    : m_state(std::move(state))
{
}

ArchiveWriter::~ArchiveWriter() = default;

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::create(const std::filesystem::path &dir, ArchiveManifest head,
                                                             std::int64_t ioCapBytesPerSecond, int level)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return fail(ErrorCode::InvalidArgument, fmt::format("the archive folder {} does not exist", dir.string()),
                    "create it first, or pass another --to DIR");
    auto s = std::make_unique<State>();
    s->dir = dir;
    s->dataPath = archiveDataPath(dir, head.table, head.partition);
    s->manifestPath = archiveManifestPath(dir, head.table, head.partition);
    s->partialPath = s->dataPath;
    s->partialPath += ".partial";
    s->ioCap = ioCapBytesPerSecond;
    head.rows = 0;
    head.rowHashSum = 0;
    head.fileBytes = 0;
    head.dataFile = s->dataPath.filename().string();
    if (head.createdMs == 0)
        head.createdMs = wallMs();
    s->manifest = std::move(head);
    if (std::filesystem::exists(s->manifestPath, ec))
        return fail(ErrorCode::InvalidState,
                    fmt::format("{} already holds an archive of {}", dir.string(), s->manifest.partition),
                    "restore or move that archive first, or archive to another folder");
    s->file = std::fopen(s->partialPath.c_str(), "wb");
    if (!s->file)
        return tl::unexpected(ioError("creating", s->partialPath));
    s->cctx = ZSTD_createCCtx();
    s->xxh = XXH64_createState();
    if (!s->cctx || !s->xxh)
        return fail(ErrorCode::Internal, "out of memory starting an archive");
    ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_checksumFlag, 1);
    XXH64_reset(s->xxh, 0);
    return std::unique_ptr<ArchiveWriter>(new ArchiveWriter(std::move(s)));
}

Result<void> ArchiveWriter::addRow(const ArchiveRow &values)
{
    State &s = *m_state;
    if (values.size() != s.manifest.columns.size())
        return fail(ErrorCode::Internal,
                    fmt::format("a row of {} values for {} columns", values.size(), s.manifest.columns.size()));
    std::string line = encodeCopyLine(values);
    s.manifest.rowHashSum += archiveRowHash(line);
    ++s.manifest.rows;
    s.in += line;
    s.in += '\n';
    s.bytesTaken += std::int64_t(line.size() + 1);
    if (s.in.size() >= ZSTD_CStreamInSize())
        if (auto r = s.emit(ZSTD_e_continue); !r)
            return r;
    if (s.ioCap > 0) {
        // Sleep off any lead over the cap, so the database is read no faster.
        const double due = double(s.bytesTaken) / double(s.ioCap);
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
        if (due > elapsed + 0.01)
            std::this_thread::sleep_for(std::chrono::duration<double>(due - elapsed));
    }
    return {};
}

std::int64_t ArchiveWriter::rows() const
{
    return m_state->manifest.rows;
}

const std::filesystem::path &ArchiveWriter::manifestPath() const
{
    return m_state->manifestPath;
}

Result<ArchiveManifest> ArchiveWriter::finish(const RowChecksum &databaseChecksum)
{
    State &s = *m_state;
    if (auto r = s.emit(ZSTD_e_end); !r)
        return tl::unexpected(r.error());
    if (std::fflush(s.file) != 0 || ::fsync(::fileno(s.file)) != 0)
        return tl::unexpected(ioError("syncing", s.partialPath));
    std::fclose(s.file);
    s.file = nullptr;
    s.manifest.fileXxh64 = XXH64_digest(s.xxh);
    s.manifest.databaseChecksum = databaseChecksum;
    std::error_code ec;
    std::filesystem::rename(s.partialPath, s.dataPath, ec);
    if (ec)
        return fail(ErrorCode::Io, fmt::format("renaming {}: {}", s.partialPath.string(), ec.message()));
    s.partialPath.clear();
    std::filesystem::path tmp = s.manifestPath;
    tmp += ".partial";
    {
        std::FILE *m = std::fopen(tmp.c_str(), "wb");
        if (!m)
            return tl::unexpected(ioError("creating", tmp));
        const std::string text = manifestJson(s.manifest).dump(2) + "\n";
        const bool ok = std::fwrite(text.data(), 1, text.size(), m) == text.size() && std::fflush(m) == 0 &&
            ::fsync(::fileno(m)) == 0;
        std::fclose(m);
        if (!ok) {
            std::filesystem::remove(tmp, ec);
            return tl::unexpected(ioError("writing", tmp));
        }
    }
    std::filesystem::rename(tmp, s.manifestPath, ec);
    if (ec)
        return fail(ErrorCode::Io, fmt::format("renaming {}: {}", tmp.string(), ec.message()));
    if (auto r = syncPath(s.dir, true); !r)
        return tl::unexpected(r.error());
    s.finished = true;
    return s.manifest;
}

Result<ArchiveManifest> readArchiveManifest(const std::filesystem::path &manifestPath)
{
    std::FILE *f = std::fopen(manifestPath.c_str(), "rb");
    if (!f)
        return fail(ErrorCode::NotFound, fmt::format("no archive manifest at {}", manifestPath.string()),
                    "give the .manifest.json file an archive wrote; an archive without one is incomplete");
    std::string text;
    char buf[8192];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
        text.append(buf, n);
    std::fclose(f);
    json j = json::parse(text, nullptr, false);
    auto corrupt = [&](const std::string &why) {
        return fail(ErrorCode::Corrupt,
                    fmt::format("{} is not a Tidemark archive manifest: {}", manifestPath.string(), why),
                    "give the .manifest.json file an archive wrote");
    };
    if (j.is_discarded() || !j.is_object())
        return corrupt("not JSON");
    ArchiveManifest m;
    try {
        m.format = j.at("format").get<std::string>();
        if (m.format != kArchiveFormat)
            return corrupt(fmt::format("format {} (this build reads {})", m.format, kArchiveFormat));
        m.encoding = j.at("encoding").get<std::string>();
        m.compression = j.at("compression").get<std::string>();
        m.database = j.value("database", "");
        m.table = j.at("table").get<std::string>();
        m.partition = j.at("partition").get<std::string>();
        m.keyColumn = j.at("key_column").get<std::string>();
        m.keyType = keyTypeFromString(j.at("key_type").get<std::string>()).value_or(KeyType::Integer);
        const json &b = j.at("bounds");
        if (b.contains("lower") && !b["lower"].is_null())
            m.bounds.lower = b["lower"].get<std::int64_t>();
        if (b.contains("upper") && !b["upper"].is_null())
            m.bounds.upper = b["upper"].get<std::int64_t>();
        for (const auto &c : j.at("columns"))
            m.columns.push_back({c.at("name").get<std::string>(), c.value("type", "")});
        m.createSql = j.value("create_sql", "");
        m.rows = j.at("rows").get<std::int64_t>();
        m.databaseChecksum.rows = j.at("database_checksum").at("rows").get<std::int64_t>();
        m.dataFile = j.at("data_file").get<std::string>();
        m.fileBytes = j.at("file_bytes").get<std::int64_t>();
        m.createdMs = j.value("created_ms", std::int64_t(0));
        m.stepUid = j.value("step_uid", "");
    } catch (const json::exception &e) {
        return corrupt(e.what());
    }
    auto rowHash = parseHex64(j, "row_hash_sum");
    auto fileHash = parseHex64(j, "file_xxh64");
    auto dbHash = parseHex64(j.value("database_checksum", json::object()), "hash_sum");
    if (!rowHash || !fileHash || !dbHash)
        return corrupt("a hash is missing or malformed");
    m.rowHashSum = *rowHash;
    m.fileXxh64 = *fileHash;
    m.databaseChecksum.hashSum = *dbHash;
    if (m.encoding != "postgresql-copy-text" || m.compression != "zstd")
        return corrupt("unknown encoding or compression");
    if (m.dataFile.find('/') != std::string::npos || m.columns.empty())
        return corrupt("bad data file name or no columns");
    return m;
}

Result<ArchiveManifest> readArchive(const std::filesystem::path &manifestPath,
                                    const std::function<Result<void>(const std::vector<ArchiveRow> &)> &sink,
                                    std::size_t batchRows)
{
    auto manifest = readArchiveManifest(manifestPath);
    if (!manifest)
        return manifest;
    const ArchiveManifest &m = *manifest;
    const std::filesystem::path dataPath = manifestPath.parent_path() / m.dataFile;
    auto mismatch = [&](const std::string &what) {
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("the archive {} does not match its manifest: {}", dataPath.string(), what),
                    "the archive is damaged or incomplete; it is not used");
    };
    std::FILE *f = std::fopen(dataPath.c_str(), "rb");
    if (!f)
        return fail(ErrorCode::NotFound, fmt::format("the archive file {} is missing", dataPath.string()),
                    "keep the .copy.zst file beside its manifest");
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> file(f, std::fclose);
    std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx *)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    std::unique_ptr<XXH64_state_t, XXH_errorcode (*)(XXH64_state_t *)> xxh(XXH64_createState(), XXH64_freeState);
    XXH64_reset(xxh.get(), 0);
    std::string in(ZSTD_DStreamInSize(), '\0'), out(ZSTD_DStreamOutSize(), '\0'), pending;
    std::vector<ArchiveRow> batch;
    std::int64_t rows = 0, fileBytes = 0;
    std::uint64_t rowHash = 0;
    std::size_t lastRet = 0;
    auto takeLines = [&](bool final) -> Result<void> {
        std::size_t start = 0;
        for (;;) {
            const std::size_t nl = pending.find('\n', start);
            if (nl == std::string::npos)
                break;
            const std::string_view line(pending.data() + start, nl - start);
            rowHash += archiveRowHash(line);
            ++rows;
            if (sink) {
                auto row = decodeCopyLine(line, m.columns.size());
                if (!row)
                    return tl::unexpected(mismatch(row.error().message));
                batch.push_back(std::move(*row));
                if (batch.size() >= batchRows) {
                    if (auto r = sink(batch); !r)
                        return r;
                    batch.clear();
                }
            }
            start = nl + 1;
        }
        pending.erase(0, start);
        if (final && !pending.empty())
            return tl::unexpected(mismatch("the last line is cut off"));
        return {};
    };
    for (std::size_t n; (n = std::fread(in.data(), 1, in.size(), file.get())) > 0;) {
        XXH64_update(xxh.get(), in.data(), n);
        fileBytes += std::int64_t(n);
        ZSTD_inBuffer input{in.data(), n, 0};
        while (input.pos < input.size) {
            ZSTD_outBuffer output{out.data(), out.size(), 0};
            lastRet = ZSTD_decompressStream(dctx.get(), &output, &input);
            if (ZSTD_isError(lastRet))
                return tl::unexpected(mismatch(fmt::format("zstd: {}", ZSTD_getErrorName(lastRet))));
            pending.append(out.data(), output.pos);
        }
        if (auto r = takeLines(false); !r)
            return tl::unexpected(r.error());
    }
    if (lastRet != 0 && fileBytes > 0)
        return tl::unexpected(mismatch("the compressed stream ends early"));
    if (auto r = takeLines(true); !r)
        return tl::unexpected(r.error());
    if (fileBytes != m.fileBytes || XXH64_digest(xxh.get()) != m.fileXxh64)
        return tl::unexpected(mismatch(fmt::format("{} bytes with XXH64 {}, the manifest says {} bytes, {}", fileBytes,
                                                   hex64(XXH64_digest(xxh.get())), m.fileBytes, hex64(m.fileXxh64))));
    if (rows != m.rows || rowHash != m.rowHashSum)
        return tl::unexpected(mismatch(fmt::format("{} rows (row hash {}), the manifest says {} rows ({})", rows,
                                                   hex64(rowHash), m.rows, hex64(m.rowHashSum))));
    if (sink && !batch.empty())
        if (auto r = sink(batch); !r)
            return tl::unexpected(r.error());
    return manifest;
}

Result<void> verifyWrittenArchive(const std::filesystem::path &manifestPath, const ArchiveManifest &written)
{
    auto check = readArchive(manifestPath, {});
    if (!check)
        return tl::unexpected(check.error());
    if (check->rows != written.databaseChecksum.rows)
        return fail(
            ErrorCode::VerificationFailed,
            fmt::format("the archive holds {} rows, the segment {}", check->rows, written.databaseChecksum.rows),
            "the segment is unchanged; archive it again");
    return {};
}

} // namespace tidemark
