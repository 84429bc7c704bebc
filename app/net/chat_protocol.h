#pragma once
// The OpenAI chat completions wire format (POST /v1/chat/completions) as the llm query generator
// uses it, the prompt template, and the parser that turns an answer into questions.
// Pure functions, thread-safe.
//
// Request:  {"model": M, "messages": [{"role": "user", "content": PROMPT}], "temperature": T}
// Response: {"choices": [{"message": {"content": TEXT}, ...}], "usage": {"total_tokens": n}, ...}

#include "core/error.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::net {

// The default prompt template (resources/prompts/synth_questions.txt, compiled in).
QString defaultQuestionPrompt();

// `promptTemplate` with {title}, {text} and {n} replaced (every occurrence; other braces are
// left alone). Usage error when the template lacks {text}.
engine::Result<QString> renderQuestionPrompt(const QString &promptTemplate, const std::string &title,
                                             const std::string &text, int n);

// The body cap (bytes) of a chat answer: n questions take a few hundred bytes, and even a
// model's whole output limit (tens of thousands of tokens of about 4 bytes, 6 per character when
// escaped as \uXXXX, plus any reasoning text) stays far below 8 MiB. Qt's JSON tree of a hostile
// 8 MiB body stays under 400 MB.
inline constexpr int64_t kMaxChatReplyBytes = int64_t(8) << 20;

QByteArray chatRequestBody(const QString &model, const QString &prompt, double temperature);

struct ChatResponse {
    std::string content;      // choices[0].message.content
    int64_t totalTokens = -1; // usage.total_tokens (at most kMaxServerTokens); -1 when absent or negative
};

// Errors (io): not JSON, no choices[0].message.content string.
engine::Result<ChatResponse> parseChatResponse(const QByteArray &body);

// Questions in an answer, one per line: blank lines are skipped; leading numbering ("1.", "2)",
// "(3)", "Q4:", "Question 5:"), bullets ("-", "*", "•") and surrounding quotes are removed;
// lines that end with ':' (preambles such as "Here are 3 questions:") are skipped; duplicates are
// kept once. At most `n` are returned (the first ones); fewer when the answer has fewer.
std::vector<std::string> parseQuestionLines(const std::string &content, int n);

} // namespace embtune::net
