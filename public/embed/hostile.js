// Records every Content-Security-Policy violation on this page (read by the end-to-end test).
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  (window.cspViolations ||= []).push(`${e.violatedDirective} ${e.blockedURI}`);
});
