#include "chat_protocol.h"

#include "default_prompt.h"
#include "server_number.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <set>
#include <string_view>

namespace embtune::net {

using engine::Error;
using engine::Result;

namespace {

bool isBlank(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && isBlank(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && isBlank(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Removes one leading list marker: bullets, "1." "1)" "(1)" "1:" "Q1." "Question 1:".
std::string_view stripMarker(std::string_view s)
{
    for (std::string_view bullet : {"- ", "* ", "\xE2\x80\xA2", "\xE2\x80\x93 ", "+ "})
        if (startsWith(s, bullet))
            return trimmed(s.substr(bullet.size()));
    std::string_view rest = s;
    for (std::string_view word : {"Question", "question", "Q", "q"})
        if (startsWith(rest, word) && rest.size() > word.size() &&
            (rest[word.size()] == ' ' || (rest[word.size()] >= '0' && rest[word.size()] <= '9'))) {
            rest = trimmed(rest.substr(word.size()));
            break;
        }
    const bool paren = startsWith(rest, "(");
    if (paren)
        rest.remove_prefix(1);
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 3 || digits >= rest.size())
        return s;
    const char after = rest[digits];
    if (after == '.' || after == ')' || after == ':' || (after == '-' && !paren))
        return trimmed(rest.substr(digits + 1));
    return s;
}

std::string_view stripQuotes(std::string_view s)
{
    for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"\"", "\""}, {"'", "'"},
                               {"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"**", "**"}, {"`", "`"}})
        if (s.size() >= open.size() + close.size() && startsWith(s, open) &&
            s.substr(s.size() - close.size()) == close)
            return trimmed(s.substr(open.size(), s.size() - open.size() - close.size()));
    return s;
}

} // namespace

QString defaultQuestionPrompt()
{
    return QString::fromUtf8(kDefaultQuestionPrompt).trimmed() + QLatin1Char('\n');
}

Result<QString> renderQuestionPrompt(const QString &promptTemplate, const std::string &title, const std::string &text,
                                     int n)
{
    if (!promptTemplate.contains(QLatin1String("{text}")))
        return Error::usage("the prompt template has no {text} placeholder (placeholders: {title}, {text}, {n})");
    QString out = promptTemplate;
    out.replace(QLatin1String("{n}"), QString::number(n));
    out.replace(QLatin1String("{title}"), QString::fromStdString(title));
    out.replace(QLatin1String("{text}"), QString::fromStdString(text));
    return out;
}

QByteArray chatRequestBody(const QString &model, const QString &prompt, double temperature)
{
    const QJsonObject message{{"role", "user"}, {"content", prompt}};
    const QJsonObject request{{"model", model}, {"messages", QJsonArray{message}}, {"temperature", temperature}};
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

Result<ChatResponse> parseChatResponse(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Error::io("the answer is not a JSON object: " + parseError.errorString().toStdString());
    const QJsonObject root = document.object();
    const QJsonArray choices = root.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty())
        return Error::io("the answer has no \"choices\"");
    const QJsonValue content = choices.at(0).toObject().value(QLatin1String("message")).toObject().value(
        QLatin1String("content"));
    if (!content.isString())
        return Error::io("the answer has no choices[0].message.content text");
    ChatResponse out;
    out.content = content.toString().toStdString();
    const QJsonValue tokens = root.value(QLatin1String("usage")).toObject().value(QLatin1String("total_tokens"));
    if (tokens.isDouble() && tokens.toDouble() >= 0)
        out.totalTokens = serverInteger(tokens.toDouble(), 0, kMaxServerTokens);
    return out;
}

std::vector<std::string> parseQuestionLines(const std::string &content, int n)
{
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::string_view rest(content);
    while (!rest.empty() && int(out.size()) < n) {
        const size_t nl = rest.find('\n');
        std::string_view line = trimmed(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        line = stripMarker(stripQuotes(stripMarker(line)));
        if (line.empty() || line.back() == ':')
            continue;
        std::string question(line);
        if (seen.insert(question).second)
            out.push_back(std::move(question));
    }
    return out;
}

} // namespace embtune::net
