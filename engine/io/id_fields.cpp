#include "io/id_fields.h"

#include "io/json_writer.h"

namespace embtune::engine {

std::string quotedId(const std::string &id)
{
    return JsonWriter::escape(id);
}

Status checkTrecField(const std::string &id, const char *what, const std::string &path)
{
    if (id.find_first_of(" \t\n\r\v\f") != std::string::npos)
        return Error::input(std::string(what) + " " + quotedId(id) +
                                " contains white space, which a TREC run file cannot hold (its fields are separated "
                                "by white space)",
                            path);
    return {};
}

Status checkTsvField(const std::string &id, const char *what, const std::string &path)
{
    if (id.find_first_of("\t\n\r") != std::string::npos)
        return Error::input(std::string(what) + " " + quotedId(id) +
                                " contains a tab or a line break, which a qrels TSV file cannot hold",
                            path);
    if (!id.empty() && (id.front() == ' ' || id.back() == ' '))
        return Error::input(std::string(what) + " " + quotedId(id) +
                                " begins or ends with a space, which a qrels TSV file cannot keep (readers trim it)",
                            path);
    return {};
}

} // namespace embtune::engine
