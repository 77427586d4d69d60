// The incident fold (libevidence/src/log/incident_fold.hpp) that both Case::Incidents and
// verify-bundle use: versions in entry order, each the whole account after its entry, links kept
// once, and entries about an unrecorded incident left out.
#include "incident_fold.hpp"

#include <gtest/gtest.h>

namespace evidence {
namespace {

payload::IncidentRecorded Recorded() {
  payload::IncidentRecorded r;
  r.incident = "INC-0001";
  r.at = "2026-03-14T18:20:00+00:00";
  r.behaviours = {"following"};
  r.what = "followed me home";
  r.where = "High Street";
  r.witnesses = {"Ana"};
  return r;
}

TEST(IncidentFold, AmendmentAddsAVersionWithTheWholeAccount) {
  IncidentFold fold;
  fold.Recorded(Recorded(), 4, "2026-03-14T19:00:00.000Z");
  payload::IncidentAmended am;
  am.incident = "INC-0001";
  am.changes.what = "followed me from the station to my door";
  am.reason = "remembered more";
  fold.Amended(am, 9, "2026-03-15T08:00:00.000Z");

  ASSERT_EQ(fold.incidents().size(), 1u);
  const Incident& inc = fold.incidents().at("INC-0001");
  EXPECT_EQ(inc.what, "followed me from the station to my door");
  EXPECT_EQ(inc.where, "High Street");
  ASSERT_EQ(inc.versions.size(), 2u);
  EXPECT_EQ(inc.versions[0].entry_seq, 4u);
  EXPECT_EQ(inc.versions[0].action, "incident.recorded");
  EXPECT_EQ(inc.versions[0].what, "followed me home");
  EXPECT_EQ(inc.versions[0].reason, "");
  EXPECT_EQ(inc.versions[1].entry_seq, 9u);
  EXPECT_EQ(inc.versions[1].action, "incident.amended");
  EXPECT_EQ(inc.versions[1].recorded, "2026-03-15T08:00:00.000Z");
  EXPECT_EQ(inc.versions[1].what, inc.what);
  EXPECT_EQ(inc.versions[1].witnesses, std::vector<std::string>{"Ana"});
  EXPECT_EQ(inc.versions[1].reason, "remembered more");
}

TEST(IncidentFold, LinksAreKeptOnceInFirstLinkOrder) {
  IncidentFold fold;
  fold.Recorded(Recorded(), 4, "2026-03-14T19:00:00.000Z");
  fold.Linked("INC-0001", "EX-0002");
  fold.Linked("INC-0001", "EX-0001");
  fold.Linked("INC-0001", "EX-0002");
  EXPECT_EQ(fold.incidents().at("INC-0001").items,
            (std::vector<std::string>{"EX-0002", "EX-0001"}));
}

TEST(IncidentFold, EntriesAboutAnUnrecordedIncidentAreLeftOut) {
  IncidentFold fold;
  payload::IncidentAmended am;
  am.incident = "INC-0007";
  am.changes.what = "x";
  fold.Amended(am, 3, "2026-03-15T08:00:00.000Z");
  fold.Linked("INC-0007", "EX-0001");
  EXPECT_TRUE(fold.incidents().empty());
}

}  // namespace
}  // namespace evidence
