#pragma once
/// A discrete PI controller with output limits and anti-windup, in the parallel form
///   u = clamp(Kp e + I, u_min, u_max),  e = setpoint - measurement,  dI/dt = Kp e / Ti
/// (a reverse-acting loop, such as a valve that opens as a temperature rises, takes Kp < 0).
/// Anti-windup, when the output saturates:
///   Clamping: the integral is not advanced by a step that would drive the output further into
///     saturation (conditional integration);
///   BackCalculation: dI/dt = Kp e / Ti + (u - u_unsat) / Tt (Astrom & Hagglund), Tt the
///     tracking time;
///   None: the plain integral (winds up; kept to show the difference).
namespace kelvin {

/// Which anti-windup scheme.
enum class AntiWindup { None, Clamping, BackCalculation };

/// Gains and limits of a PI controller.
struct PiSettings {
  double kp = 1;    ///< proportional gain [output / measurement unit]
  double ti_s = 1;  ///< integral time [s] (> 0)
  double output_min = 0, output_max = 1;
  AntiWindup anti_windup = AntiWindup::Clamping;
  double tracking_time_s = 0;  ///< Tt of back-calculation [s]; 0: Tt = Ti
};

/// The controller's state: its integral, started at initial_output (bumpless start).
class PiController {
 public:
  explicit PiController(const PiSettings& s, double initial_output = 0);
  /// One step of dt [s]: returns the (limited) output.
  double update(double setpoint, double measurement, double dt_s);
  /// The integral term I [output units].
  double integral() const { return m_integral; }
  /// The last output.
  double output() const { return m_output; }

 private:
  PiSettings m_s;
  double m_integral, m_output;
};

}  // namespace kelvin
