// Bad coolant networks are refused with a message naming the node or link at fault.
#include <gtest/gtest.h>

#include <string>

#include "solver/loop/gga.hpp"

using namespace kelvin;

namespace {

/// The message of the NetworkError solving net throws, or "" when it throws none.
std::string error_of(const Network& net) {
  try {
    solve_hydraulics(net);
  } catch (const NetworkError& e) {
    return e.what();
  }
  return "";
}

Network two_tanks() {
  Network net(make_coolant("water", 0), 300.0);
  net.add_fixed_pressure("A", 1e5);
  net.add_fixed_pressure("B", 0);
  return net;
}

}  // namespace

TEST(LoopNetworkErrors, MissingNodeIsNamed) {
  Network net = two_tanks();
  net.add_link("hose7", "A", "manifold", Pipe{1, 0.01, 0});
  const std::string m = error_of(net);
  EXPECT_NE(m.find("hose7"), std::string::npos) << m;
  EXPECT_NE(m.find("'manifold' does not exist"), std::string::npos) << m;
}

TEST(LoopNetworkErrors, RisingPumpCurveIsNamed) {
  Network net = two_tanks();
  net.add_link("cdu_pump2", "B", "A", pump_through_points(10.0, 1e-3, 12.0, 2e-3, 11.0));
  const std::string m = error_of(net);
  EXPECT_NE(m.find("link 'cdu_pump2': pump head curve"), std::string::npos) << m;
  EXPECT_NE(m.find("must fall with flow"), std::string::npos) << m;
}

TEST(LoopNetworkErrors, NegativeLengthAndDiameterAreNamed) {
  Network a = two_tanks();
  a.add_link("riser", "A", "B", Pipe{-2.0, 0.05, 0});
  EXPECT_NE(error_of(a).find("link 'riser': pipe length -2 m must be positive"), std::string::npos)
      << error_of(a);
  Network b = two_tanks();
  b.add_link("riser", "A", "B", Pipe{2.0, -0.05, 0});
  EXPECT_NE(error_of(b).find("link 'riser': pipe diameter -0.05 m must be positive"),
            std::string::npos)
      << error_of(b);
}

TEST(LoopNetworkErrors, OtherBadInput) {
  Network opening = two_tanks();
  opening.add_link("v1", "A", "B", Valve{5.0, 1.5});
  EXPECT_NE(error_of(opening).find("link 'v1': valve opening 1.5"), std::string::npos);

  Network island = two_tanks();
  island.add_junction("J");
  island.add_junction("K");
  island.add_link("AB", "A", "B", Pipe{1, 0.01, 0});
  island.add_link("JK", "J", "K", Pipe{1, 0.01, 0});
  EXPECT_NE(error_of(island).find("node 'J' has no path to a fixed-pressure node"),
            std::string::npos)
      << error_of(island);

  Network hot = two_tanks();
  hot.add_link("hot_leg", "A", "B", Pipe{1, 0.01, 0}, 400.0);
  EXPECT_NE(error_of(hot).find("link 'hot_leg'"), std::string::npos) << error_of(hot);

  Network twice = two_tanks();
  twice.add_link("x", "A", "B", Pipe{1, 0.01, 0});
  twice.add_link("x", "B", "A", Pipe{1, 0.01, 0});
  EXPECT_NE(error_of(twice).find("link 'x': defined twice"), std::string::npos);

  Network no_fixed(make_coolant("water", 0), 300.0);
  no_fixed.add_junction("J");
  EXPECT_NE(error_of(no_fixed).find("no fixed-pressure node"), std::string::npos);
}

TEST(LoopNetworkErrors, NonConvergenceSaysSo) {
  Network net = two_tanks();
  net.add_link("p", "A", "B", Pipe{10, 0.02, 1e-5});
  GgaSettings one;
  one.max_iterations = 1;
  try {
    solve_hydraulics(net, one);
    FAIL() << "expected NetworkNotConverged";
  } catch (const NetworkNotConverged& e) {
    EXPECT_EQ(e.iteration, 1);
    EXPECT_NE(std::string(e.what()).find("no convergence in 1 Newton iterations"),
              std::string::npos);
  }
}
