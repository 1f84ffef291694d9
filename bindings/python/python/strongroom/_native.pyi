"""The native half of strongroom (private: import ``strongroom`` instead)."""

from strongroom import AlarmEvent as AlarmEvent
from strongroom import AliasListEntry as AliasListEntry
from strongroom import AuditEvent as AuditEvent
from strongroom import DataKey as DataKey
from strongroom import DataKeyPair as DataKeyPair
from strongroom import DataKeyPairWithoutPlaintext as DataKeyPairWithoutPlaintext
from strongroom import DataKeyWithoutPlaintext as DataKeyWithoutPlaintext
from strongroom import KeyLastUsage as KeyLastUsage
from strongroom import KeyMetadata as KeyMetadata
from strongroom import Keystore as Keystore
from strongroom import KeyRotationStatus as KeyRotationStatus
from strongroom import Mac as Mac
from strongroom import ManualClock as ManualClock
from strongroom import ParametersForImport as ParametersForImport
from strongroom import PublicKey as PublicKey
from strongroom import ResourceTags as ResourceTags
from strongroom import RotationsListEntry as RotationsListEntry
from strongroom import SharedSecret as SharedSecret
from strongroom import Signed as Signed
from strongroom import StreamSummary as StreamSummary

ERROR_NAMES: list[str]
DEFAULT_AUDIT_MAX_EVENTS: int
DEFAULT_AUDIT_MAX_AGE_DAYS: int
AUDIT_UNBOUNDED: int

def _raise_core_error(name: str, message: str) -> None: ...
