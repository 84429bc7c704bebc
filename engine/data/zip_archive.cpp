#include "data/zip_archive.h"

#include <zip.h>

#include <sys/stat.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <vector>

namespace embtune::engine {

namespace {

namespace fs = std::filesystem;

struct ZipCloser {
    void operator()(zip_t *archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
    void operator()(zip_file_t *file) const { zip_fclose(file); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

std::string zipErrorText(int code)
{
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
}

Result<ZipPtr> openArchive(const std::string &zipPath)
{
    std::error_code ec;
    if (!fs::is_regular_file(zipPath, ec))
        return Error::io("no such file", zipPath);
    int code = 0;
    zip_t *archive = zip_open(zipPath.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!archive) {
        if (code == ZIP_ER_OPEN || code == ZIP_ER_READ)
            return Error::io("cannot read the archive: " + zipErrorText(code), zipPath);
        return Error::input("not a readable zip archive (truncated or damaged download?): " + zipErrorText(code),
                            zipPath);
    }
    return ZipPtr(archive);
}

// Reads and validates the entries of an open archive.
Result<std::vector<ZipEntryInfo>> entriesOf(zip_t *archive, const std::string &zipPath)
{
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    std::vector<ZipEntryInfo> entries;
    entries.reserve(size_t(std::max<zip_int64_t>(count, 0)));
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(archive, zip_uint64_t(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
            return Error::input("entry " + std::to_string(i + 1) + " cannot be read: " +
                                    zip_strerror(archive), zipPath, i + 1);
        ZipEntryInfo entry;
        entry.name = st.name;
        entry.size = (st.valid & ZIP_STAT_SIZE)
                         ? int64_t(std::min<zip_uint64_t>(st.size, zip_uint64_t(std::numeric_limits<int64_t>::max())))
                         : 0;
        entry.isDirectory = !entry.name.empty() && entry.name.back() == '/';
        if (const std::string reason = unsafeZipEntryReason(entry.name); !reason.empty())
            return Error::input("refusing entry \"" + entry.name + "\": " + reason, zipPath, i + 1);
        zip_uint8_t system = 0;
        zip_uint32_t attributes = 0;
        if (zip_file_get_external_attributes(archive, zip_uint64_t(i), 0, &system, &attributes) == 0 &&
            system == ZIP_OPSYS_UNIX) {
            const mode_t mode = mode_t(attributes >> 16);
            if (S_ISLNK(mode))
                return Error::input("refusing entry \"" + entry.name + "\": a symbolic link", zipPath, i + 1);
            if (mode != 0 && !S_ISREG(mode) && !S_ISDIR(mode))
                return Error::input("refusing entry \"" + entry.name + "\": not a regular file or folder", zipPath,
                                    i + 1);
        }
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
            return Error::input("refusing entry \"" + entry.name + "\": encrypted", zipPath, i + 1);
        entries.push_back(std::move(entry));
    }
    return entries;
}

// a + b for byte counts >= 0, saturating at the largest int64_t.
int64_t addBytesSaturating(int64_t a, int64_t b)
{
    return b > std::numeric_limits<int64_t>::max() - a ? std::numeric_limits<int64_t>::max() : a + b;
}

// "1.5 GiB (1610612736 bytes)", "900 bytes": a byte count for messages.
std::string byteSizeText(int64_t bytes)
{
    static const char *const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    char text[64];
    if (bytes < 1024) {
        std::snprintf(text, sizeof text, "%" PRId64 " bytes", bytes);
        return text;
    }
    double value = double(bytes) / 1024;
    size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(kUnits)) {
        value /= 1024;
        ++unit;
    }
    std::snprintf(text, sizeof text, "%.1f %s (%" PRId64 " bytes)", value, kUnits[unit], bytes);
    return text;
}

// The first path below `root` on the way to `root/name` (and, for a file, to its ".part") that
// is a symbolic link; empty when there is none. `root` itself is the caller's choice and may be one.
fs::path symlinkOnEntryPath(const fs::path &root, const ZipEntryInfo &entry)
{
    std::error_code ec;
    fs::path at = root;
    for (const fs::path &component : fs::path(entry.name)) {
        if (component.empty() || component == ".")
            continue;
        at /= component;
        if (fs::is_symlink(fs::symlink_status(at, ec)))
            return at;
    }
    if (!entry.isDirectory) {
        fs::path part = at;
        part += ".part";
        if (fs::is_symlink(fs::symlink_status(part, ec)))
            return part;
    }
    return {};
}

Error symlinkRefusal(const fs::path &link, const ZipEntryInfo &entry, const std::string &zipPath, size_t index)
{
    return Error::input("refusing entry \"" + entry.name + "\": the target folder already holds a symbolic link at " +
                            link.string() + " on its path (links in the target are never followed)",
                        zipPath, int64_t(index) + 1);
}

// Refuses, before anything is written, a target whose file system has less free space than
// `total` + `margin` bytes. A target not yet created is measured at its nearest existing parent.
Status checkFreeSpace(const fs::path &root, int64_t total, int64_t margin)
{
    std::error_code ec;
    fs::path probe = root;
    while (!fs::exists(probe, ec) && probe.has_parent_path() && probe.parent_path() != probe)
        probe = probe.parent_path();
    const fs::space_info space = fs::space(probe, ec);
    if (ec)
        return {}; // unknown (e.g. a file system that does not report it): writing will tell
    const int64_t keep = std::max<int64_t>(margin, 0);
    const int64_t needed = addBytesSaturating(total, keep);
    const int64_t available =
        int64_t(std::min<uintmax_t>(space.available, uintmax_t(std::numeric_limits<int64_t>::max())));
    if (available < needed)
        return Error::io("not enough free space to unzip: needs " + byteSizeText(needed) + " (the archive's " +
                             byteSizeText(total) + " plus a margin of " + byteSizeText(keep) + "), " +
                             byteSizeText(available) + " free",
                         root.string());
    return {};
}

} // namespace

std::string unsafeZipEntryReason(const std::string &entryName)
{
    if (entryName.empty())
        return "empty name";
    if (entryName.find('\0') != std::string::npos)
        return "NUL in the name";
    if (entryName.find('\\') != std::string::npos)
        return "backslash in the name (a Windows path)";
    if (entryName.front() == '/')
        return "absolute path, outside the target folder";
    if (entryName.size() >= 2 && entryName[1] == ':')
        return "drive letter, outside the target folder";
    size_t start = 0;
    while (start <= entryName.size()) {
        size_t end = entryName.find('/', start);
        if (end == std::string::npos)
            end = entryName.size();
        if (entryName.compare(start, end - start, "..") == 0)
            return "'..' component, outside the target folder";
        start = end + 1;
    }
    return {};
}

Result<std::vector<ZipEntryInfo>> listZip(const std::string &zipPath)
{
    auto archive = openArchive(zipPath);
    if (!archive)
        return archive.error();
    return entriesOf(archive->get(), zipPath);
}

Result<std::vector<std::string>> extractZip(const std::string &zipPath, const std::string &targetDir,
                                            Progress *progress, const ZipExtractOptions &options)
{
    auto archive = openArchive(zipPath);
    if (!archive)
        return archive.error();
    auto entries = entriesOf(archive->get(), zipPath);
    if (!entries)
        return entries.error();
    const int64_t limit = std::max<int64_t>(options.maxUnzippedBytes, 0);
    int64_t total = 0;
    for (const ZipEntryInfo &entry : *entries)
        total = addBytesSaturating(total, entry.size);
    if (total > limit)
        return Error::input("the archive unzips to " + byteSizeText(total) + " (as its directory declares), more than " +
                                "the limit of " + byteSizeText(limit) + " for one archive",
                            zipPath);

    std::error_code ec;
    const fs::path root = fs::absolute(targetDir, ec);
    for (size_t i = 0; i < entries->size(); ++i)
        if (const fs::path link = symlinkOnEntryPath(root, (*entries)[i]); !link.empty())
            return symlinkRefusal(link, (*entries)[i], zipPath, i);
    if (Status s = checkFreeSpace(root, total, options.freeSpaceMargin); !s)
        return s.error();
    fs::create_directories(root, ec);
    if (ec)
        return Error::io("cannot create the folder: " + ec.message(), root.string());

    std::vector<std::string> written;
    std::vector<char> buffer(1 << 16);
    int64_t done = 0;
    for (size_t i = 0; i < entries->size(); ++i) {
        const ZipEntryInfo &entry = (*entries)[i];
        const fs::path target = (root / entry.name).lexically_normal();
        // Checked again right before writing: a link made since the first check is not followed either.
        if (const fs::path link = symlinkOnEntryPath(root, entry); !link.empty())
            return symlinkRefusal(link, entry, zipPath, i);
        if (entry.isDirectory) {
            fs::create_directories(target, ec);
            if (ec)
                return Error::io("cannot create the folder: " + ec.message(), target.string());
            continue;
        }
        fs::create_directories(target.parent_path(), ec);
        if (ec)
            return Error::io("cannot create the folder: " + ec.message(), target.parent_path().string());
        ZipFilePtr file(zip_fopen_index(archive->get(), zip_uint64_t(i), 0));
        if (!file)
            return Error::input("entry \"" + entry.name + "\" cannot be opened: " + zip_strerror(archive->get()),
                                zipPath, int64_t(i) + 1);
        const fs::path part = target.string() + ".part";
        {
            std::ofstream out(part, std::ios::binary | std::ios::trunc);
            if (!out)
                return Error::io("cannot write", part.string());
            const auto refuse = [&](Error error) {
                out.close();
                fs::remove(part, ec);
                return error;
            };
            int64_t entryBytes = 0;
            for (;;) {
                const zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
                if (n < 0)
                    return refuse(Error::input("entry \"" + entry.name + "\" is damaged: " +
                                                   zip_file_strerror(file.get()),
                                               zipPath, int64_t(i) + 1));
                if (n == 0)
                    break;
                // The directory's sizes may lie: the bytes actually inflated are counted and no
                // entry writes more than it declares, so the bytes written stay <= total <= limit.
                if (n > entry.size - entryBytes)
                    return refuse(Error::input("entry \"" + entry.name + "\" inflates to more than the " +
                                                   byteSizeText(entry.size) +
                                                   " its archive declares (a damaged or hostile archive)",
                                               zipPath, int64_t(i) + 1));
                out.write(buffer.data(), std::streamsize(n));
                entryBytes += n;
                done += n;
                if (progress && !progress->step("unzip", done, total))
                    return refuse(Error::cancelled());
            }
            out.close();
            if (!out) {
                fs::remove(part, ec);
                return Error::io("cannot write", part.string());
            }
            if (entryBytes != entry.size) {
                fs::remove(part, ec);
                return Error::input("entry \"" + entry.name + "\" is truncated: " + std::to_string(entryBytes) +
                                        " of " + std::to_string(entry.size) + " bytes",
                                    zipPath, int64_t(i) + 1);
            }
        }
        fs::rename(part, target, ec);
        if (ec)
            return Error::io("cannot rename to the final name: " + ec.message(), target.string());
        written.push_back(entry.name);
    }
    if (progress)
        progress->step("unzip", total, total);
    return written;
}

} // namespace embtune::engine
