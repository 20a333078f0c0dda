// SPDX-License-Identifier: GPL-2.0-or-later
// A recursive-descent SOQL parser with Salesforce's row/column error positions.
#include "soql.hpp"

#include <cctype>

#include "schema.hpp"

namespace pushforce::fakeorg {

std::string FormatQueryError(const std::string& query, SourcePos pos, const std::string& message) {
  // Salesforce echoes the line of the query the error is on, with a caret under the column.
  std::size_t start = 0;
  for (int row = 1; row < pos.row; ++row) {
    std::size_t nl = query.find('\n', start);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  std::size_t end = query.find('\n', start);
  std::string line = query.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return "\n" + line + "\n" + std::string(static_cast<std::size_t>(pos.column - 1), ' ') +
         "^\nERROR at Row:" + std::to_string(pos.row) + ":Column:" + std::to_string(pos.column) +
         "\n" + message;
}

namespace {

struct Token {
  enum class Kind { kIdent, kString, kNumber, kDateTime, kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;  // identifier / symbol as written; decoded string
  SourcePos pos;
};

class Lexer {
 public:
  explicit Lexer(const std::string& text) : text_(text) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    for (;;) {
      SkipSpace();
      Token t;
      t.pos = {row_, column_};
      if (i_ >= text_.size()) {
        t.kind = Token::Kind::kEnd;
        tokens.push_back(t);
        return tokens;
      }
      char c = text_[i_];
      if (c == '\'') {
        t.kind = Token::Kind::kString;
        t.text = ReadString(t.pos);
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 ((c == '-' || c == '+' || c == '.') && i_ + 1 < text_.size() &&
                  std::isdigit(static_cast<unsigned char>(text_[i_ + 1])))) {
        t.text = ReadNumberOrDate();
        t.kind = t.text.find('-', 1) != std::string::npos && t.text.size() >= 10 &&
                         t.text[4] == '-'
                     ? Token::Kind::kDateTime
                     : Token::Kind::kNumber;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        t.kind = Token::Kind::kIdent;
        while (i_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[i_])) ||
                                     text_[i_] == '_' || text_[i_] == '.')) {
          t.text.push_back(Advance());
        }
      } else {
        t.kind = Token::Kind::kSymbol;
        static const char* kTwo[] = {"!=", "<>", "<=", ">="};
        for (const char* two : kTwo) {
          if (text_.compare(i_, 2, two) == 0) {
            t.text = two;
            Advance();
            Advance();
            break;
          }
        }
        if (t.text.empty()) {
          if (std::string("(),=<>").find(c) == std::string::npos) {
            throw SoqlError{"MALFORMED_QUERY",
                            FormatQueryError(text_, t.pos, "unexpected token: '" +
                                                               std::string(1, c) + "'"),
                            t.pos};
          }
          t.text = std::string(1, Advance());
        }
      }
      tokens.push_back(t);
    }
  }

 private:
  char Advance() {
    char c = text_[i_++];
    if (c == '\n') {
      ++row_;
      column_ = 1;
    } else {
      ++column_;
    }
    return c;
  }
  void SkipSpace() {
    while (i_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[i_]))) Advance();
  }
  std::string ReadString(SourcePos start) {
    Advance();  // opening quote
    std::string out;
    while (i_ < text_.size()) {
      char c = Advance();
      if (c == '\'') return out;
      if (c == '\\') {
        if (i_ >= text_.size()) break;
        char e = Advance();
        switch (e) {
          case 'n': out.push_back('\n'); break;
          case 'r': out.push_back('\r'); break;
          case 't': out.push_back('\t'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case '"': out.push_back('"'); break;
          case '\'': out.push_back('\''); break;
          case '\\': out.push_back('\\'); break;
          // LIKE wildcards stay escaped so the LIKE translation can tell them apart.
          case '%': out += "\\%"; break;
          case '_': out += "\\_"; break;
          default:
            throw SoqlError{"MALFORMED_QUERY",
                            FormatQueryError(text_, start,
                                             "Invalid string literal '" + out +
                                                 "'. Illegal character sequence '\\" +
                                                 std::string(1, e) + "' in string literal."),
                            start};
        }
      } else {
        out.push_back(c);
      }
    }
    throw SoqlError{"MALFORMED_QUERY",
                    FormatQueryError(text_, start, "line " + std::to_string(start.row) +
                                                       ":" + std::to_string(start.column) +
                                                       " no viable alternative at character '''"),
                    start};
  }
  std::string ReadNumberOrDate() {
    std::string out;
    out.push_back(Advance());
    while (i_ < text_.size()) {
      char c = text_[i_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' ||
          ((c == '-' || c == '+') && out.size() >= 4)) {
        out.push_back(Advance());
      } else {
        break;
      }
    }
    return out;
  }

  const std::string& text_;
  std::size_t i_ = 0;
  int row_ = 1;
  int column_ = 1;
};

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text), tokens_(Lexer(text).Run()) {}

  SoqlQuery ParseTop() {
    SoqlQuery q = ParseQuery(false);
    if (Peek().kind != Token::Kind::kEnd) Unexpected(Peek());
    return q;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    std::size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool IsKeyword(const Token& t, std::string_view word) const {
    return t.kind == Token::Kind::kIdent && EqualsIgnoreCase(t.text, word);
  }
  bool IsSymbol(const Token& t, std::string_view symbol) const {
    return t.kind == Token::Kind::kSymbol && t.text == symbol;
  }
  [[noreturn]] void Unexpected(const Token& t) const {
    std::string message = t.kind == Token::Kind::kEnd
                              ? "unexpected token: <EOF>"
                              : "unexpected token: '" + t.text + "'";
    throw SoqlError{"MALFORMED_QUERY", FormatQueryError(text_, t.pos, message), t.pos};
  }
  void ExpectKeyword(std::string_view word) {
    if (!IsKeyword(Peek(), word)) Unexpected(Peek());
    Next();
  }
  void ExpectSymbol(std::string_view symbol) {
    if (!IsSymbol(Peek(), symbol)) Unexpected(Peek());
    Next();
  }
  static bool IsReserved(const std::string& word) {
    static const char* kWords[] = {"SELECT", "FROM",  "WHERE", "AND",   "OR",     "NOT",
                                   "IN",     "LIKE",  "ORDER", "BY",    "GROUP",  "LIMIT",
                                   "OFFSET", "ASC",   "DESC",  "NULLS", "HAVING", "NULL",
                                   "TRUE",   "FALSE", "WITH",  "FOR",   "USING"};
    for (const char* w : kWords) {
      if (EqualsIgnoreCase(word, w)) return true;
    }
    return false;
  }

  FieldRef ParseFieldRef() {
    const Token& t = Peek();
    if (t.kind != Token::Kind::kIdent || IsReserved(t.text)) Unexpected(t);
    Next();
    FieldRef f;
    f.text = t.text;
    f.pos = t.pos;
    std::size_t start = 0;
    for (;;) {
      std::size_t dot = t.text.find('.', start);
      std::string part = t.text.substr(start, dot == std::string::npos ? std::string::npos
                                                                       : dot - start);
      if (part.empty()) Unexpected(t);
      f.path.push_back(part);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return f;
  }

  SoqlQuery ParseQuery(bool nested) {
    SoqlQuery q;
    q.text = text_;
    ExpectKeyword("SELECT");
    for (;;) {
      q.select.push_back(ParseSelectItem(nested));
      if (!IsSymbol(Peek(), ",")) break;
      Next();
    }
    ExpectKeyword("FROM");
    const Token& from = Peek();
    if (from.kind != Token::Kind::kIdent || IsReserved(from.text)) Unexpected(from);
    Next();
    q.from = from.text;
    q.from_pos = from.pos;
    if (IsKeyword(Peek(), "WHERE")) {
      Next();
      q.where = ParseOr();
    }
    if (IsKeyword(Peek(), "GROUP")) {
      Next();
      ExpectKeyword("BY");
      for (;;) {
        q.group_by.push_back(ParseFieldRef());
        if (!IsSymbol(Peek(), ",")) break;
        Next();
      }
    }
    if (IsKeyword(Peek(), "ORDER")) {
      Next();
      ExpectKeyword("BY");
      for (;;) {
        OrderItem item;
        item.field = ParseFieldRef();
        if (IsKeyword(Peek(), "ASC")) {
          Next();
        } else if (IsKeyword(Peek(), "DESC")) {
          Next();
          item.descending = true;
        }
        if (IsKeyword(Peek(), "NULLS")) {
          Next();
          if (IsKeyword(Peek(), "FIRST")) {
            item.nulls_first = true;
          } else if (IsKeyword(Peek(), "LAST")) {
            item.nulls_first = false;
          } else {
            Unexpected(Peek());
          }
          Next();
        }
        q.order_by.push_back(item);
        if (!IsSymbol(Peek(), ",")) break;
        Next();
      }
    }
    if (IsKeyword(Peek(), "LIMIT")) {
      Next();
      q.limit = ParseCount();
    }
    if (IsKeyword(Peek(), "OFFSET")) {
      Next();
      q.offset = ParseCount();
    }
    return q;
  }

  std::int64_t ParseCount() {
    const Token& t = Peek();
    if (t.kind != Token::Kind::kNumber) Unexpected(t);
    for (char c : t.text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) Unexpected(t);
    }
    Next();
    return std::stoll(t.text);
  }

  SelectItem ParseSelectItem(bool nested) {
    SelectItem item;
    const Token& t = Peek();
    item.pos = t.pos;
    if (IsSymbol(t, "(")) {
      if (nested) Unexpected(t);  // no subquery inside a subquery
      Next();
      item.kind = SelectItem::Kind::kSubquery;
      item.subquery = std::make_shared<SoqlQuery>(ParseQuery(true));
      ExpectSymbol(")");
      return item;
    }
    if (t.kind == Token::Kind::kIdent && IsSymbol(Peek(1), "(")) {
      static const std::pair<const char*, AggregateFunc> kFuncs[] = {
          {"COUNT", AggregateFunc::kCount}, {"COUNT_DISTINCT", AggregateFunc::kCountDistinct},
          {"SUM", AggregateFunc::kSum},     {"MIN", AggregateFunc::kMin},
          {"MAX", AggregateFunc::kMax},     {"AVG", AggregateFunc::kAvg}};
      for (const auto& [name, func] : kFuncs) {
        if (EqualsIgnoreCase(t.text, name)) item.func = func;
      }
      if (item.func == AggregateFunc::kNone) Unexpected(Peek(1));
      Next();
      Next();
      if (item.func == AggregateFunc::kCount && IsSymbol(Peek(), ")")) {
        Next();
        item.kind = SelectItem::Kind::kCountAll;
        return item;
      }
      item.kind = SelectItem::Kind::kAggregate;
      item.field = ParseFieldRef();
      ExpectSymbol(")");
      if (Peek().kind == Token::Kind::kIdent && !IsReserved(Peek().text)) {
        item.alias = Next().text;
      }
      return item;
    }
    item.field = ParseFieldRef();
    return item;
  }

  // SOQL does not let AND and OR mix at one level without parentheses.
  Condition ParseOr() {
    Condition first = ParseNot();
    if (!IsKeyword(Peek(), "AND") && !IsKeyword(Peek(), "OR")) return first;
    std::string joiner = ToLower(Peek().text);
    Condition group;
    group.kind = joiner == "and" ? Condition::Kind::kAnd : Condition::Kind::kOr;
    group.children.push_back(std::move(first));
    while (IsKeyword(Peek(), "AND") || IsKeyword(Peek(), "OR")) {
      if (ToLower(Peek().text) != joiner) Unexpected(Peek());
      Next();
      group.children.push_back(ParseNot());
    }
    return group;
  }

  Condition ParseNot() {
    if (IsKeyword(Peek(), "NOT")) {
      Next();
      Condition c;
      c.kind = Condition::Kind::kNot;
      c.children.push_back(ParseNot());
      return c;
    }
    if (IsSymbol(Peek(), "(")) {
      Next();
      Condition c = ParseOr();
      ExpectSymbol(")");
      return c;
    }
    return ParseComparison();
  }

  Literal ParseLiteral() {
    const Token& t = Peek();
    Literal l;
    l.pos = t.pos;
    switch (t.kind) {
      case Token::Kind::kString: l.kind = Literal::Kind::kString; break;
      case Token::Kind::kNumber:
        l.kind = t.text.find('.') == std::string::npos ? Literal::Kind::kInteger
                                                       : Literal::Kind::kDecimal;
        for (std::size_t i = 0; i < t.text.size(); ++i) {
          char c = t.text[i];
          if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
                (i == 0 && (c == '-' || c == '+')))) {
            Unexpected(t);
          }
        }
        break;
      case Token::Kind::kDateTime:
        l.kind = t.text.size() == 10 ? Literal::Kind::kDate : Literal::Kind::kDateTime;
        break;
      case Token::Kind::kIdent:
        if (EqualsIgnoreCase(t.text, "null")) {
          l.kind = Literal::Kind::kNull;
        } else if (EqualsIgnoreCase(t.text, "true") || EqualsIgnoreCase(t.text, "false")) {
          l.kind = Literal::Kind::kBoolean;
        } else {
          Unexpected(t);
        }
        break;
      default: Unexpected(t);
    }
    l.text = t.kind == Token::Kind::kIdent ? ToLower(t.text) : t.text;
    Next();
    return l;
  }

  Condition ParseComparison() {
    Condition c;
    c.kind = Condition::Kind::kCompare;
    c.field = ParseFieldRef();
    const Token& op = Peek();
    if (op.kind == Token::Kind::kSymbol &&
        (op.text == "=" || op.text == "!=" || op.text == "<>" || op.text == "<" ||
         op.text == "<=" || op.text == ">" || op.text == ">=")) {
      c.op = op.text == "<>" ? "!=" : op.text;
      Next();
      c.values.push_back(ParseLiteral());
      return c;
    }
    if (IsKeyword(op, "LIKE")) {
      Next();
      c.op = "LIKE";
      c.values.push_back(ParseLiteral());
      return c;
    }
    if (IsKeyword(op, "NOT") && IsKeyword(Peek(1), "IN")) {
      Next();
      c.op = "NOT IN";
    } else if (IsKeyword(op, "IN")) {
      c.op = "IN";
    } else {
      Unexpected(op);
    }
    Next();
    ExpectSymbol("(");
    if (IsKeyword(Peek(), "SELECT")) {
      // Semi-joins are real SOQL, but the fake org does not serve them (README).
      throw SoqlError{"MALFORMED_QUERY",
                      FormatQueryError(text_, Peek().pos,
                                       "pushforce-fakeorg does not support semi-join subqueries"),
                      Peek().pos};
    }
    for (;;) {
      c.values.push_back(ParseLiteral());
      if (!IsSymbol(Peek(), ",")) break;
      Next();
    }
    ExpectSymbol(")");
    return c;
  }

  const std::string& text_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

SoqlQuery ParseSoql(const std::string& text) { return Parser(text).ParseTop(); }

}  // namespace pushforce::fakeorg
