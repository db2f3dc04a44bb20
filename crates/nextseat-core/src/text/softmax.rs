//! Multinomial logistic regression, fitted by L-BFGS: the semantic reader's decision
//! layer over sentence vectors.
//!
//! The objective is the one scikit-learn's `LogisticRegression` minimises, so figures from
//! a prototype carry over: `C × Σ cross-entropy + ½‖W‖²` (the intercepts are not
//! penalised). The fit is deterministic (no random start, no shuffling): the same
//! examples give the same weights, bit for bit, on every run. It is a convex problem, and
//! L-BFGS with a backtracking line search reaches the optimum in a few dozen iterations
//! for a knowledge base's few thousand examples.

/// A fitted model: `classes × (dim + 1)` weights, the last column the intercepts.
#[derive(Clone, Debug, PartialEq)]
pub struct Softmax {
    classes: usize,
    dim: usize,
    w: Vec<f32>,
}

/// Most L-BFGS iterations.
const MAX_ITER: usize = 500;
/// Corrections kept.
const MEMORY: usize = 10;
/// Stop when the largest gradient entry is below this.
const TOLERANCE: f64 = 1e-4;

impl Softmax {
    /// Fits the model to `rows` (each `dim` long) labelled `labels` (each below
    /// `classes`), with inverse regularisation strength `c`.
    pub fn fit(rows: &[&[f32]], labels: &[usize], classes: usize, c: f64) -> Softmax {
        let dim = rows.first().map_or(0, |r| r.len());
        let n = classes * (dim + 1);
        let problem = Problem {
            rows,
            labels,
            classes,
            dim,
            c,
        };
        let mut x = vec![0.0f64; n];
        let mut g = vec![0.0f64; n];
        let mut f = problem.eval(&x, &mut g);
        let mut s_hist: Vec<Vec<f64>> = Vec::new();
        let mut y_hist: Vec<Vec<f64>> = Vec::new();
        let mut dir = vec![0.0f64; n];
        let mut x_new = vec![0.0f64; n];
        let mut g_new = vec![0.0f64; n];
        for _ in 0..MAX_ITER {
            if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) < TOLERANCE {
                break;
            }
            two_loop(&g, &s_hist, &y_hist, &mut dir);
            let slope: f64 = dir.iter().zip(&g).map(|(d, g)| d * g).sum();
            if slope >= 0.0 {
                // Not a descent direction (numerical trouble): restart from the gradient.
                s_hist.clear();
                y_hist.clear();
                dir.iter_mut().zip(&g).for_each(|(d, g)| *d = -g);
            }
            let slope: f64 = dir.iter().zip(&g).map(|(d, g)| d * g).sum();
            // The first step of a fresh history is scaled to a unit move.
            let mut step = if s_hist.is_empty() {
                1.0 / dir.iter().map(|d| d * d).sum::<f64>().sqrt().max(1e-12)
            } else {
                1.0
            };
            let mut accepted = false;
            for _ in 0..40 {
                for ((xn, x), d) in x_new.iter_mut().zip(&x).zip(&dir) {
                    *xn = x + step * d;
                }
                let f_new = problem.eval(&x_new, &mut g_new);
                if f_new <= f + 1e-4 * step * slope {
                    let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
                    let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
                    if s.iter().zip(&y).map(|(s, y)| s * y).sum::<f64>() > 1e-10 {
                        if s_hist.len() == MEMORY {
                            s_hist.remove(0);
                            y_hist.remove(0);
                        }
                        s_hist.push(s);
                        y_hist.push(y);
                    }
                    std::mem::swap(&mut x, &mut x_new);
                    std::mem::swap(&mut g, &mut g_new);
                    f = f_new;
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if !accepted {
                break;
            }
        }
        Softmax {
            classes,
            dim,
            w: x.iter().map(|&v| v as f32).collect(),
        }
    }

    /// The class probabilities of one vector (`dim` long), summing to 1.
    pub fn probabilities(&self, v: &[f32]) -> Vec<f32> {
        let mut z: Vec<f32> = (0..self.classes)
            .map(|k| {
                let row = &self.w[k * (self.dim + 1)..(k + 1) * (self.dim + 1)];
                row[..self.dim]
                    .iter()
                    .zip(v)
                    .map(|(a, b)| a * b)
                    .sum::<f32>()
                    + row[self.dim]
            })
            .collect();
        let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for x in &mut z {
            *x = (*x - max).exp();
            sum += *x;
        }
        for x in &mut z {
            *x /= sum;
        }
        z
    }

    /// The weights, for caching: `classes × (dim + 1)`, intercepts last in each row.
    pub fn weights(&self) -> &[f32] {
        &self.w
    }

    /// A model from cached weights; `None` if they do not have the shape.
    pub fn from_weights(classes: usize, dim: usize, w: Vec<f32>) -> Option<Softmax> {
        (w.len() == classes * (dim + 1)).then_some(Softmax { classes, dim, w })
    }

    /// How many classes.
    pub fn classes(&self) -> usize {
        self.classes
    }
}

struct Problem<'a> {
    rows: &'a [&'a [f32]],
    labels: &'a [usize],
    classes: usize,
    dim: usize,
    c: f64,
}

impl Problem<'_> {
    /// The objective at `x`, with its gradient written into `g`.
    fn eval(&self, x: &[f64], g: &mut [f64]) -> f64 {
        let (k, d) = (self.classes, self.dim);
        let stride = d + 1;
        g.iter_mut().for_each(|v| *v = 0.0);
        let mut loss = 0.0;
        let mut z = vec![0.0f64; k];
        for (row, &label) in self.rows.iter().zip(self.labels) {
            for (class, zc) in z.iter_mut().enumerate() {
                let w = &x[class * stride..(class + 1) * stride];
                *zc = w[..d]
                    .iter()
                    .zip(row.iter())
                    .map(|(a, &b)| a * f64::from(b))
                    .sum::<f64>()
                    + w[d];
            }
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = z.iter().map(|v| (v - max).exp()).sum();
            let log_sum = max + sum.ln();
            loss += log_sum - z[label.min(k - 1)];
            for (class, zc) in z.iter().enumerate() {
                let p = (zc - log_sum).exp() - if class == label { 1.0 } else { 0.0 };
                let coef = self.c * p;
                let gw = &mut g[class * stride..(class + 1) * stride];
                for (gv, &b) in gw[..d].iter_mut().zip(row.iter()) {
                    *gv += coef * f64::from(b);
                }
                gw[d] += coef;
            }
        }
        let mut penalty = 0.0;
        for class in 0..k {
            for j in 0..d {
                let w = x[class * stride + j];
                penalty += w * w;
                g[class * stride + j] += w;
            }
        }
        self.c * loss + 0.5 * penalty
    }
}

/// The L-BFGS direction `-H·g` from the stored corrections.
fn two_loop(g: &[f64], s_hist: &[Vec<f64>], y_hist: &[Vec<f64>], out: &mut [f64]) {
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    out.copy_from_slice(g);
    let m = s_hist.len();
    let mut alpha = vec![0.0; m];
    for i in (0..m).rev() {
        let rho = 1.0 / dot(&y_hist[i], &s_hist[i]);
        alpha[i] = rho * dot(&s_hist[i], out);
        for (o, y) in out.iter_mut().zip(&y_hist[i]) {
            *o -= alpha[i] * y;
        }
    }
    if let (Some(s), Some(y)) = (s_hist.last(), y_hist.last()) {
        let gamma = dot(s, y) / dot(y, y);
        out.iter_mut().for_each(|o| *o *= gamma);
    }
    for i in 0..m {
        let rho = 1.0 / dot(&y_hist[i], &s_hist[i]);
        let beta = rho * dot(&y_hist[i], out);
        for (o, s) in out.iter_mut().zip(&s_hist[i]) {
            *o += (alpha[i] - beta) * s;
        }
    }
    out.iter_mut().for_each(|o| *o = -*o);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three clusters around the axes of a plane: each point is classified by its cluster.
    #[test]
    fn separable_clusters_are_learned() {
        let centres = [[1.0f32, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for (k, c) in centres.iter().enumerate() {
            for j in 0..20 {
                let jitter = (j as f32 - 10.0) / 100.0;
                rows.push(vec![c[0] + jitter, c[1] - jitter, c[2] + jitter / 2.0]);
                labels.push(k);
            }
        }
        let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let m = Softmax::fit(&refs, &labels, 3, 4.0);
        for (k, c) in centres.iter().enumerate() {
            let p = m.probabilities(c);
            let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b]));
            assert_eq!(best, Some(k), "{p:?}");
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        // Deterministic: the same data gives the same weights.
        assert_eq!(Softmax::fit(&refs, &labels, 3, 4.0), m);
    }

    /// At the optimum the gradient vanishes: compare with a finite-difference check of
    /// the objective on a tiny problem.
    #[test]
    fn the_gradient_is_the_objective_s_derivative() {
        let rows: Vec<Vec<f32>> = vec![vec![0.3, -0.2], vec![-0.5, 0.4], vec![0.1, 0.9]];
        let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let labels = [0, 1, 2];
        let p = Problem {
            rows: &refs,
            labels: &labels,
            classes: 3,
            dim: 2,
            c: 2.0,
        };
        let x: Vec<f64> = (0..9).map(|i| (i as f64 - 4.0) / 10.0).collect();
        let mut g = vec![0.0; 9];
        let f = p.eval(&x, &mut g);
        for i in 0..9 {
            let mut xh = x.clone();
            xh[i] += 1e-6;
            let mut gh = vec![0.0; 9];
            let numeric = (p.eval(&xh, &mut gh) - f) / 1e-6;
            assert!((numeric - g[i]).abs() < 1e-4, "{i}: {numeric} vs {}", g[i]);
        }
    }

    #[test]
    fn cached_weights_round_trip_and_bad_shapes_are_refused() {
        let rows: Vec<Vec<f32>> = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let m = Softmax::fit(&refs, &[0, 1], 2, 1.0);
        let back = Softmax::from_weights(2, 2, m.weights().to_vec());
        assert_eq!(back.as_ref(), Some(&m));
        assert_eq!(Softmax::from_weights(2, 3, m.weights().to_vec()), None);
    }
}
