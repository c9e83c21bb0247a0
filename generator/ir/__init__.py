"""Stage 2, the intermediate model: what the SDK is, independent of any output language.

Takes: a loaded spec (`generator.spec`) and the config. Gives: an `ir.Package`
of frozen dataclasses (`model.py`): definitions (models, enums, aliases),
operations grouped into resources, names, auth, and reports of constructs
typed as raw JSON. Readers: `schemas.py` (schemas -> definitions),
`operations.py` (paths -> operations and resources), `security.py` (security
schemes and requirements -> credential arguments), `naming.py` (every name
that reaches generated code), `build.py` (the reader chain).

May import: `generator.spec`, `generator.errors`. Everything else imports it as
`from generator import ir` and reads `ir.ModelDef`, `ir.Package` ...
"""

from .model import (
    NO_DEFAULT as NO_DEFAULT,
)
from .model import (
    AliasDef as AliasDef,
)
from .model import (
    AnyJson as AnyJson,
)
from .model import (
    BodyDef as BodyDef,
)
from .model import (
    BodyKind as BodyKind,
)
from .model import (
    Const as Const,
)
from .model import (
    Constrained as Constrained,
)
from .model import (
    Constraints as Constraints,
)
from .model import (
    CredentialDef as CredentialDef,
)
from .model import (
    Definition as Definition,
)
from .model import (
    EnumDef as EnumDef,
)
from .model import (
    EnumMember as EnumMember,
)
from .model import (
    FieldDef as FieldDef,
)
from .model import (
    Formatted as Formatted,
)
from .model import (
    JsonValue as JsonValue,
)
from .model import (
    ListOf as ListOf,
)
from .model import (
    MapOf as MapOf,
)
from .model import (
    ModelDef as ModelDef,
)
from .model import (
    Named as Named,
)
from .model import (
    Nullable as Nullable,
)
from .model import (
    OperationDef as OperationDef,
)
from .model import (
    Package as Package,
)
from .model import (
    PaginationDef as PaginationDef,
)
from .model import (
    ParamDef as ParamDef,
)
from .model import (
    ParamLocation as ParamLocation,
)
from .model import (
    Prim as Prim,
)
from .model import (
    Report as Report,
)
from .model import (
    Requirement as Requirement,
)
from .model import (
    ResourceDef as ResourceDef,
)
from .model import (
    ResponseDef as ResponseDef,
)
from .model import (
    ResponseKind as ResponseKind,
)
from .model import (
    SchemeKind as SchemeKind,
)
from .model import (
    SdkNames as SdkNames,
)
from .model import (
    SecuritySchemeDef as SecuritySchemeDef,
)
from .model import (
    TypeRef as TypeRef,
)
from .model import (
    TypesModule as TypesModule,
)
from .model import (
    UnionOf as UnionOf,
)
from .model import (
    walk_named as walk_named,
)
