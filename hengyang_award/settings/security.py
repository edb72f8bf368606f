"""Authentication and session hardening (QUALITY.md AU-1…AU-4), shared by every
environment; `base.py` adds the apps and middleware named here."""

import datetime

SECURITY_APPS = ["axes", "django_otp", "django_otp.plugins.otp_totp"]
# Axes' backend must come first: it refuses a locked-out account before the
# password is checked.
SECURITY_AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend"]
# After authentication and messages.
SECURITY_MIDDLEWARE_AFTER_AUTH = [
    "django_otp.middleware.OTPMiddleware",
    "hengyang_award.core.security.SessionTimeoutMiddleware",
    "hengyang_award.core.security.SecondFactorMiddleware",
]
SECURITY_MIDDLEWARE_LAST = [
    "hengyang_award.core.security.ContentSecurityPolicyMiddleware",
    # Axes last: it turns its lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# AU-1: five failures per account, then a cool-off; the same page whatever the cause.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hengyang_award.core.security.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# AU-3: staff roles are logged out after 30 idle minutes; every session ends 12 hours
# after login, whatever the activity.
SESSION_IDLE_TIMEOUT_STAFF = datetime.timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = datetime.timedelta(hours=12)

# AU-2: a TOTP second factor for staff roles. Production requires it; `make run`
# and the tests leave it optional (a user may still enrol).
SECOND_FACTOR_REQUIRED = False
OTP_TOTP_ISSUER = "衡阳市市长质量奖"

# AU-4: a Content-Security-Policy on every response; every script and style is a
# self-hosted file (no inline code), images may be data: URIs (QR codes, charts).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Lockout is per account (AU-1), not per address: the city's offices reach the
# service through shared intranet addresses, where an address lockout would lock
# out every colleague behind the same gateway.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
