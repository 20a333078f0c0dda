// SPDX-License-Identifier: GPL-2.0-or-later
// A PartnerStub whose every call fails; test fakes derive from it and override what they use.
#pragma once

#include "internal/partner_stub.hpp"

namespace pushforce::test {

class UnusedStub : public internal::PartnerStub {
 public:
  using Call = internal::Call;
  Result<internal::LoginReply> Login(Call&, std::string_view, std::string_view) override {
    return Unused();
  }
  Result<UserInfo> GetUserInfo(Call&) override { return UserInfo{}; }
  Result<internal::QueryReply> Query(Call&, std::string_view, QueryScope) override {
    return Unused();
  }
  Result<internal::QueryReply> QueryMore(Call&, std::string_view) override { return Unused(); }
  Result<std::vector<SaveOutcome>> Create(Call&, std::span<const Record>) override {
    return Unused();
  }
  Result<std::vector<SaveOutcome>> Update(Call&, std::span<const Record>) override {
    return Unused();
  }
  Result<std::vector<SaveOutcome>> Upsert(Call&, std::string_view,
                                          std::span<const Record>) override {
    return Unused();
  }
  Result<std::vector<SaveOutcome>> Delete(Call&, std::span<const std::string>) override {
    return Unused();
  }
  Result<std::vector<std::optional<Record>>> Retrieve(Call&, std::string_view, std::string_view,
                                                      std::span<const std::string>) override {
    return Unused();
  }
  Result<std::string> GetServerTimestamp(Call&) override {
    return std::string("2026-12-03T00:00:00Z");
  }
  Status Logout(Call&) override { return Status(); }

 protected:
  static Status Unused() { return Status(ErrorCode::kInternal, "call not used by this test"); }
};

}  // namespace pushforce::test
