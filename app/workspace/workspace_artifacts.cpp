// Workspace: the files of runs and embedding sets under artifacts/ (written durably, then
// recorded in the artifacts table with their size).

#include "workspace.h"

#include "durable_file.h"

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
    if (Status s = transaction.commit(); !s)
        return s.error();
    return ArtifactRef{role, relativePath, size};
}

Result<std::vector<ArtifactRef>> Workspace::artifactsOf(const char *ownerColumn, int64_t ownerId) const
{
    auto q = m_db.prepare(std::string("SELECT role, path, bytes FROM artifacts WHERE ") + ownerColumn +
                          " = ?1 ORDER BY id");
    if (!q)
        return q.error();
    q->bind(1, ownerId);
    return q->collect<ArtifactRef>([](const SqliteStatement &row) -> ArtifactRef {
        return ArtifactRef{row.text(0), row.text(1), row.integer(2)};
    });
}

Result<ArtifactRef> Workspace::storeRunMatrix(int64_t runId, const std::string &role, engine::ConstMatrixMap matrix)
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

std::string Workspace::artifactPath(const ArtifactRef &artifact) const
{
    return (fs::path(m_folder) / artifact.path).string();
}

} // namespace embtune::app
