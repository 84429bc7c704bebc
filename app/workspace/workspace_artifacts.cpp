// Workspace: the files of runs and embedding sets under artifacts/ (written durably, then
// recorded in the artifacts table with their size), and the check that confines every stored
// path to artifacts/.

#include "workspace.h"

#include "durable_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace fs = std::filesystem;
using embtune::engine::Error;
using embtune::engine::Result;
using embtune::engine::Status;

namespace embtune::app {
namespace {

// A role or file name must stay a plain name inside its artifacts folder.
bool isPlainName(const std::string &name)
{
    if (name.empty() || name == "." || name == ".." || name.size() > 128)
        return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            return false;
    return true;
}

// "run 3, artifact 7": the record of an artifact, for messages.
std::string artifactRecordName(const ArtifactRef &artifact)
{
    const std::string owner = artifact.runId != 0 ? "run " + std::to_string(artifact.runId)
                                                  : "embedding set " + std::to_string(artifact.embeddingSetId);
    return owner + ", artifact " + std::to_string(artifact.id);
}

} // namespace

Result<ArtifactRef> Workspace::recordArtifact(const char *ownerColumn, int64_t ownerId, const std::string &role,
                                              const std::string &relativePath)
{
    std::error_code ec;
    const auto bytes = fs::file_size(fs::path(m_folder) / relativePath, ec);
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun().error();
    auto remove = m_db.prepare(std::string("DELETE FROM artifacts WHERE ") + ownerColumn + " = ?1 AND role = ?2");
    if (!remove)
        return remove.error();
    if (Status s = remove->bind(1, ownerId).bind(2, role).run(); !s)
        return s.error();
    auto insert =
        m_db.prepare(std::string("INSERT INTO artifacts(") + ownerColumn + ", role, path, bytes) VALUES (?1, ?2, ?3, ?4)");
    if (!insert)
        return insert.error();
    const int64_t size = ec ? 0 : int64_t(bytes);
    if (Status s = insert->bind(1, ownerId).bind(2, role).bind(3, relativePath).bind(4, size).run(); !s)
        return s.error();
    ArtifactRef artifact{role, relativePath, size};
    artifact.id = m_db.lastInsertId();
    (std::string_view(ownerColumn) == "run_id" ? artifact.runId : artifact.embeddingSetId) = ownerId;
    if (Status s = transaction.commit(); !s)
        return s.error();
    return artifact;
}

Result<std::vector<ArtifactRef>> Workspace::artifactsOf(const char *ownerColumn, int64_t ownerId) const
{
    auto q = m_db.prepare(std::string("SELECT role, path, bytes, id, run_id, embedding_set_id FROM artifacts WHERE ") +
                          ownerColumn + " = ?1 ORDER BY id");
    if (!q)
        return q.error();
    q->bind(1, ownerId);
    return q->collect<ArtifactRef>([](const SqliteStatement &row) -> ArtifactRef {
        ArtifactRef artifact{row.text(0), row.text(1), row.integer(2)};
        artifact.id = row.integer(3);
        artifact.runId = row.isNull(4) ? 0 : row.integer(4);
        artifact.embeddingSetId = row.isNull(5) ? 0 : row.integer(5);
        return artifact;
    });
}

Result<ArtifactRef> Workspace::storeRunMatrix(int64_t runId, const std::string &role, engine::ConstMatrixMap matrix)
{
    return storeRunMatrix(runId, role, engine::FloatMatrix(matrix.rows(), matrix.cols(), matrix.data(), nullptr));
}

Result<ArtifactRef> Workspace::storeRunMatrix(int64_t runId, const std::string &role, const engine::FloatMatrix &matrix)
{
    if (!isPlainName(role))
        return Error::usage("artifact role \"" + role + "\" must be a plain name (letters, digits, _ - .)");
    if (Status s = requireRun(runId); !s)
        return s.error();
    const std::string relative = std::string(kArtifactsFolder) + "/runs/" + std::to_string(runId) + "/" + role + ".npy";
    std::error_code ec;
    fs::create_directories((fs::path(m_folder) / relative).parent_path(), ec);
    if (Status s = writeNpyDurably((fs::path(m_folder) / relative).string(), matrix); !s)
        return s.error();
    return recordArtifact("run_id", runId, role, relative);
}

Result<ArtifactRef> Workspace::storeRunFile(int64_t runId, const std::string &role, const std::string &fileName,
                                            const std::string &content)
{
    if (!isPlainName(role) || !isPlainName(fileName))
        return Error::usage("artifact role and file name must be plain names (letters, digits, _ - .)");
    if (Status s = requireRun(runId); !s)
        return s.error();
    const std::string relative = std::string(kArtifactsFolder) + "/runs/" + std::to_string(runId) + "/" + fileName;
    std::error_code ec;
    fs::create_directories((fs::path(m_folder) / relative).parent_path(), ec);
    if (Status s = writeFileDurably((fs::path(m_folder) / relative).string(), content); !s)
        return s.error();
    return recordArtifact("run_id", runId, role, relative);
}

Result<ArtifactRef> Workspace::storeEmbeddingSetMatrix(int64_t embeddingSetId, const std::string &role,
                                                       engine::ConstMatrixMap matrix)
{
    if (!isPlainName(role))
        return Error::usage("artifact role \"" + role + "\" must be a plain name (letters, digits, _ - .)");
    const std::string relative =
        std::string(kArtifactsFolder) + "/embeddings/" + std::to_string(embeddingSetId) + "/" + role + ".npy";
    std::error_code ec;
    fs::create_directories((fs::path(m_folder) / relative).parent_path(), ec);
    if (Status s = writeNpyDurably((fs::path(m_folder) / relative).string(), matrix); !s)
        return s.error();
    return recordArtifact("embedding_set_id", embeddingSetId, role, relative);
}

Result<std::string> Workspace::confinedPath(const std::string &stored, const std::string &record) const
{
    const auto refuse = [&](const std::string &why) {
        return Error::input("refusing the path \"" + stored + "\" of " + record + ": " + why +
                                "; nothing outside the workspace's artifacts/ folder is read or removed",
                            m_folder);
    };
    if (stored.empty())
        return refuse("an empty path");
    if (stored.find('\0') != std::string::npos)
        return refuse("a NUL in the path");
    const fs::path path(stored);
    if (path.has_root_path())
        return refuse("an absolute path, where the workspace stores paths relative to its folder");
    for (const fs::path &component : path)
        if (component == "..")
            return refuse("a '..' component, which may leave the workspace folder");
    const auto isName = [](const fs::path &component) { return !component.empty() && component != "."; };
    if (*path.begin() != kArtifactsFolder || std::none_of(std::next(path.begin()), path.end(), isName))
        return refuse(std::string("not a path inside the workspace's ") + kArtifactsFolder + "/ folder");
    // Symbolic links (of the parts that exist) must not lead out of <workspace>/artifacts: the
    // workspace folder itself may be reached through links, artifacts/ and what is below may not.
    std::error_code ec;
    const fs::path root = fs::canonical(m_folder, ec);
    if (ec)
        return Error::io("cannot resolve the workspace folder: " + ec.message(), m_folder);
    const fs::path resolved = fs::weakly_canonical(root / path, ec);
    if (ec)
        return refuse("cannot be resolved (" + ec.message() + ")");
    const fs::path artifacts = root / kArtifactsFolder;
    const auto [inRoot, inResolved] = std::mismatch(artifacts.begin(), artifacts.end(), resolved.begin(), resolved.end());
    const bool inside = inRoot == artifacts.end() && std::any_of(inResolved, resolved.end(), isName);
    if (!inside)
        return refuse("it resolves to " + resolved.string() + " (through a symbolic link), outside the workspace's " +
                      kArtifactsFolder + "/ folder " + artifacts.string());
    return (fs::path(m_folder) / path).lexically_normal().string();
}

Result<std::string> Workspace::artifactPath(const ArtifactRef &artifact) const
{
    return confinedPath(artifact.path, artifactRecordName(artifact));
}

Result<std::string> Workspace::querySetFolder(const QuerySetRecord &record) const
{
    return confinedPath(record.folder, "query set " + std::to_string(record.id) + " (\"" + record.name + "\")");
}

} // namespace embtune::app
